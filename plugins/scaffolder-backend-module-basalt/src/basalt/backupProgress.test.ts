import { BackupRecord } from '@basalt/plugin-basalt-common';
import { backupProgress } from './backupProgress';

const backup = (fields: Partial<BackupRecord>): BackupRecord => ({
  id: '20261124T083012Z-7f3a',
  cluster: { namespace: 'ci', name: 'db', uid: 'u1' },
  method: 'physical',
  trigger: 'manual',
  phase: 'Running',
  repository: 'default',
  startedAt: '2026-11-24T08:30:12.000Z',
  sizeBytes: 0,
  ...fields,
});

describe('backupProgress', () => {
  it('waits while Running, saying how much is written', () => {
    expect(backupProgress(backup({ sizeBytes: 3 * 1024 * 1024 }))).toEqual({
      done: false,
      waiting: '3.0 MiB written so far',
    });
  });

  it('is done once Completed', () => {
    const completed = backup({
      phase: 'Completed',
      sizeBytes: 100,
      objects: [{ key: 'k', name: 'base', size: 100, sha256: 'ab' }],
    });
    expect(backupProgress(completed)).toEqual({
      done: true,
      value: completed,
    });
  });

  it("fails with the backup's own reason once Failed", () => {
    expect(() =>
      backupProgress(
        backup({ phase: 'Failed', error: 'pg_basebackup exited with 1' }),
      ),
    ).toThrow(
      'The backup 20261124T083012Z-7f3a of EngineCluster ci/db failed: pg_basebackup exited with 1',
    );
  });
});
