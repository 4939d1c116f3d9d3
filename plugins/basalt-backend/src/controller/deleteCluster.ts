import { ClusterReasons, clusterRefOf } from '@basalt/plugin-basalt-common';
import { ClusterLifecycle, ClusterStore, StoredCluster } from '../store';
import type { ControllerBackups } from './ClusterController';
import { ClusterScope } from './ReconcileContext';
import { ensureDeleted } from './steps/ensureDeleted';

/**
 * Deletes a cluster whose deletion was requested, as its termination policy
 * says: under `BackupThenDelete` only once a final backup is taken and
 * verified, unless the cluster never held data (no primary of it ever
 * became ready, or its restore failed for good). When the backup fails the
 * deletion is withdrawn and the cluster kept, with a DeletionBlocked
 * condition that says why (`blocked`). Meanwhile the status's phase is
 * `Deleting`, with what is being done.
 */
export async function deleteCluster(
  stored: StoredCluster,
  scope: ClusterScope,
  deps: {
    backups: ControllerBackups;
    clusters: ClusterStore;
    /** Shows on the status what the deletion does now (phase `Deleting`). */
    report: (message: string) => Promise<void>;
    /** Called once the cluster is certain to go. */
    beforeRemoval: () => void;
  },
): Promise<'deleted' | 'blocked'> {
  const { cluster, lifecycle } = stored;
  const { uid } = cluster.metadata;
  const ref = clusterRefOf(cluster);
  const backupFirst =
    cluster.spec.terminationPolicy === 'BackupThenDelete' &&
    !lifecycle.finalBackup;
  const noData = backupFirst ? whyNoData(lifecycle) : undefined;
  if (noData) {
    await deps.report(`Deleting: ${noData}, so no final backup is taken`);
    await scope.recordEvent(
      'Normal',
      ClusterReasons.Deleting,
      `Deleting without a final backup (terminationPolicy BackupThenDelete): ${noData}, so it holds no data`,
    );
  } else if (backupFirst) {
    await deps.report(
      'Taking the final backup before deleting (terminationPolicy BackupThenDelete); the Backups card shows its progress',
    );
    await scope.recordEvent(
      'Normal',
      ClusterReasons.BackingUp,
      'Taking the final backup before deleting (terminationPolicy BackupThenDelete)',
    );
    const outcome = await deps.backups.finalBackup.ensure(
      stored,
      scope.recordEvent,
    );
    if (!outcome.ok) {
      const message = `Not deleted: ${outcome.message}. The cluster and its data are intact; delete it again to retry, or apply terminationPolicy Delete to delete it without a backup.`;
      await deps.backups.lifecycle.blockDeletion(uid, {
        reason: ClusterReasons.FinalBackupFailed,
        message,
        at: new Date().toISOString(),
      });
      await scope.recordEvent(
        'Warning',
        ClusterReasons.FinalBackupFailed,
        message,
      );
      scope.logger.warn(message);
      return 'blocked';
    }
  }
  await deps.report('Deleting the instances and their data');
  deps.beforeRemoval();
  await ensureDeleted(scope);
  await deps.backups.archiver
    .discard(cluster)
    .catch(error =>
      scope.logger.warn(
        `Could not remove the archived WAL of ${ref}: ${error.message}`,
      ),
    );
  await deps.clusters.remove(uid);
  await scope.recordEvent('Normal', 'Deleted', `Deleted EngineCluster ${ref}`);
  scope.logger.info(`Deleted EngineCluster ${ref}`);
  return 'deleted';
}

/** Why the cluster holds no data to back up, if it holds none. */
function whyNoData(lifecycle: ClusterLifecycle): string | undefined {
  if (lifecycle.restoreFailure && !lifecycle.restoredAt) {
    return 'its restore failed for good';
  }
  if (!lifecycle.heldDataAt) return 'no primary of it ever became ready';
  return undefined;
}
