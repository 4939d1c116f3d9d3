import { ClusterReasons, clusterRefOf } from '@basalt/plugin-basalt-common';
import { ClusterStore, StoredCluster } from '../store';
import type { ControllerBackups } from './ClusterController';
import { ClusterScope } from './ReconcileContext';
import { ensureDeleted } from './steps/ensureDeleted';

/**
 * Deletes a cluster whose deletion was requested, as its termination policy
 * says: under `BackupThenDelete` only once a final backup is taken and
 * verified. When that fails the deletion is withdrawn and the cluster kept,
 * with a DeletionBlocked condition that says why (`blocked`).
 */
export async function deleteCluster(
  stored: StoredCluster,
  scope: ClusterScope,
  deps: {
    backups: ControllerBackups;
    clusters: ClusterStore;
    /** Called once the cluster is certain to go. */
    beforeRemoval: () => void;
  },
): Promise<'deleted' | 'blocked'> {
  const { cluster, lifecycle } = stored;
  const { uid } = cluster.metadata;
  const ref = clusterRefOf(cluster);
  // A cluster whose restore failed for good holds no data to back up.
  const holdsNoData = !!lifecycle.restoreFailure && !lifecycle.restoredAt;
  if (
    cluster.spec.terminationPolicy === 'BackupThenDelete' &&
    !lifecycle.finalBackup &&
    !holdsNoData
  ) {
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
