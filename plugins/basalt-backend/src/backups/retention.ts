import { BackupRecord } from '@basalt/plugin-basalt-common';

/** `7d`, `12h`, `2w` in milliseconds (the manifest's retention syntax). */
export function retentionMs(retention: string): number {
  const match = /^([1-9][0-9]*)([hdw])$/.exec(retention);
  if (!match) throw new Error(`Invalid retention '${retention}'`);
  const hours = { h: 1, d: 24, w: 24 * 7 }[match[2] as 'h' | 'd' | 'w'];
  return Number(match[1]) * hours * 3_600_000;
}

/**
 * The backups of one cluster name that retention removes at `now`: those
 * that ended more than `retention` ago, except the newest Completed one,
 * which is never removed (without it nothing could be restored). Running
 * backups are never removed.
 */
export function expiredBackups(
  backups: BackupRecord[],
  retention: string,
  now: number,
): BackupRecord[] {
  const cutoff = now - retentionMs(retention);
  const newestGood = backups
    .filter(b => b.phase === 'Completed')
    .sort((a, b) => (a.completedAt! < b.completedAt! ? 1 : -1))[0];
  return backups.filter(
    b =>
      b.phase !== 'Running' &&
      b !== newestGood &&
      Date.parse(b.completedAt ?? b.startedAt) < cutoff,
  );
}
