import { postgresTime, renderRecoverySettings } from './restorePhysical';
import { parseBackupPositions } from './basebackup';

describe('renderRecoverySettings', () => {
  it('replays staged WAL, following the latest timeline', () => {
    expect(renderRecoverySettings('/i/data').split('\n')).toEqual([
      expect.stringMatching(/^#/),
      "restore_command = 'test -f ''/i/data/basalt_restore_wal/%f'' && cp ''/i/data/basalt_restore_wal/%f'' %p'",
      "recovery_target_timeline = 'latest'",
      '',
    ]);
  });

  it('stops at a target time and promotes', () => {
    const settings = renderRecoverySettings('/i/data', '2026-11-24T08:30:00Z');
    expect(settings).toContain(
      "recovery_target_time = '2026-11-24 08:30:00+00:00'",
    );
    expect(settings).toContain("recovery_target_action = 'promote'");
  });
});

describe('postgresTime', () => {
  it.each([
    ['2026-11-24T08:30:00Z', '2026-11-24 08:30:00+00:00'],
    ['2026-11-24T08:30:00.123456Z', '2026-11-24 08:30:00.123456+00:00'],
    ['2026-11-24T10:30:00+02:00', '2026-11-24 10:30:00+02:00'],
  ])('reads %s as %s', (iso, expected) => {
    expect(postgresTime(iso)).toBe(expected);
  });
});

describe('parseBackupPositions', () => {
  it("reads pg_basebackup's start and end points", () => {
    const stderr = [
      'pg_basebackup: initiating base backup, waiting for checkpoint to complete',
      'pg_basebackup: checkpoint completed',
      'pg_basebackup: write-ahead log start point: 0/2000028 on timeline 1',
      'pg_basebackup: write-ahead log end point: 0/2000100',
      'pg_basebackup: base backup completed',
    ].join('\n');
    expect(parseBackupPositions(stderr)).toEqual({
      start: '0/2000028',
      end: '0/2000100',
      details: { timeline: 1 },
    });
  });

  it('refuses output without them', () => {
    expect(() => parseBackupPositions('pg_basebackup: done')).toThrow(
      /did not report/,
    );
  });
});
