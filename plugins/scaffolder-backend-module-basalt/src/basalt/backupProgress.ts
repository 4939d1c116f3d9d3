import { BackupRecord, formatBytes } from '@basalt/plugin-basalt-common';
import { Look, done, waiting } from './poll';

/** A backup as people name it in logs and errors. */
export const backupName = (backup: BackupRecord) =>
  `backup ${backup.id} of EngineCluster ${backup.cluster.namespace}/${backup.cluster.name}`;

/**
 * Judges a backup: done once `Completed`, waiting with the bytes written
 * so far while `Running`.
 *
 * @throws Error with the backup's own reason once it `Failed`: waiting
 * longer would not complete it.
 */
export function backupProgress(backup: BackupRecord): Look<BackupRecord> {
  switch (backup.phase) {
    case 'Completed':
      return done(backup);
    case 'Failed':
      throw new Error(
        `The ${backupName(backup)} failed: ${
          backup.error ?? 'the backend gave no reason'
        }`,
      );
    default:
      return waiting(`${formatBytes(backup.sizeBytes)} written so far`);
  }
}
