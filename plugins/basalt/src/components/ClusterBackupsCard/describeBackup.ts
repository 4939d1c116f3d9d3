import {
  BackupMethod,
  BackupRecord,
  BackupTrigger,
} from '@basalt/plugin-basalt-common';
import { formatBytes, formatDuration, Tone } from '../common';

/** How each method is named in the card. */
export const METHOD_LABELS: Record<BackupMethod, string> = {
  physical: 'Physical',
  logical: 'Logical',
};

/** Why a backup was taken, in words. */
export function describeTrigger(backup: BackupRecord): string {
  const labels: Record<BackupTrigger, string> = {
    manual: 'Manual',
    scheduled: 'Scheduled',
    final: 'Final, before deletion',
  };
  const label = labels[backup.trigger];
  return backup.trigger === 'manual' && backup.requestedBy
    ? `${label} (${backup.requestedBy})`
    : label;
}

/** An elapsed time, e.g. "840 ms", "12.4 s", "3 min 5 s" or "1 h 2 min". */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return formatDuration(ms);
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  }
  return `${Math.floor(seconds / 3600)} h ${Math.floor(
    (seconds % 3600) / 60,
  )} min`;
}

/** Where a backup is: running with bytes so far, completed, or failed. */
export function describePhase(backup: BackupRecord): {
  text: string;
  tone: Tone;
} {
  const size = formatBytes(backup.sizeBytes);
  if (backup.phase === 'Running') {
    return { text: `Running: ${size} so far`, tone: 'info' };
  }
  if (backup.phase === 'Failed') return { text: 'Failed', tone: 'danger' };
  const took = backup.completedAt
    ? ` in ${formatElapsed(
        Date.parse(backup.completedAt) - Date.parse(backup.startedAt),
      )}`
    : '';
  return { text: `Completed: ${size}${took}`, tone: 'success' };
}

/** How a completed backup was checked, or why it has not been yet. */
export function describeVerification(backup: BackupRecord): {
  text: string;
  tone?: Tone;
  detail?: string;
} {
  if (backup.phase !== 'Completed') return { text: '—' };
  const verification = backup.verification;
  if (!verification) return { text: 'Not verified yet' };
  const restoreTest =
    verification.restoreTest === 'skipped'
      ? 'restore test skipped'
      : `restore test ${verification.restoreTest}`;
  const failed =
    verification.checksum === 'failed' || verification.restoreTest === 'failed';
  return {
    text: `Checksum ${verification.checksum}, ${restoreTest}`,
    tone: failed ? 'danger' : 'success',
    detail: verification.message,
  };
}

/** The newest completed backup (the list is newest first). */
export function latestCompleted(
  backups: BackupRecord[],
): BackupRecord | undefined {
  return backups.find(backup => backup.phase === 'Completed');
}

/**
 * The earliest moment a point-in-time recovery can reach: the end of the
 * oldest retained physical backup of this very cluster (those of an earlier
 * cluster of the same name have no archived log that leads here).
 */
export function earliestRecoveryPoint(
  backups: BackupRecord[],
  clusterUid: string | undefined,
): string | undefined {
  const physical = backups.filter(
    backup =>
      backup.phase === 'Completed' &&
      backup.method === 'physical' &&
      backup.completedAt &&
      (!clusterUid || backup.cluster.uid === clusterUid),
  );
  return physical.at(-1)?.completedAt;
}
