import { ClusterReasons, clusterRefOf } from '@basalt/plugin-basalt-common';
import {
  ClusterLifecycle,
  ClusterStore,
  StoredCluster,
  StoredOperation,
} from '../store';
import type { ControllerBackups } from './ClusterController';
import { ClusterScope } from './ReconcileContext';
import { ensureDeleted } from './steps/ensureDeleted';

/** What a deletion pass came to. */
export type DeletionOutcome = 'deleted' | 'blocked' | 'waiting';

/** What {@link deleteCluster} needs beside the cluster. */
export interface DeletionDeps {
  backups: ControllerBackups;
  clusters: ClusterStore;
  /**
   * Shows on the status what the deletion does now (phase `Deleting`),
   * with the operation it waits for.
   */
  report: (message: string, operations?: StoredOperation[]) => Promise<void>;
  /** Called once the cluster is certain to go. */
  beforeRemoval: () => void;
}

const BACKING_UP =
  'Taking the final backup before deleting (terminationPolicy BackupThenDelete)';

/**
 * Deletes a cluster whose deletion was requested, as its termination policy
 * says: under `BackupThenDelete` only once a final backup is taken and
 * verified, unless the cluster never held data (no primary of it ever
 * became ready, or its restore failed for good). The final backup runs as
 * an operation (`final-backup`): the pass that starts it returns `waiting`,
 * and the one after it ended goes on. When it fails the deletion is
 * withdrawn and the cluster kept, with a DeletionBlocked condition that
 * says why (`blocked`). Meanwhile the status's phase is `Deleting`, with
 * what is being done.
 */
export async function deleteCluster(
  stored: StoredCluster,
  scope: ClusterScope,
  deps: DeletionDeps,
): Promise<DeletionOutcome> {
  const { cluster, lifecycle } = stored;
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
    return ensureFinalBackup(stored, scope, deps);
  }
  await deps.report('Deleting the instances and their data');
  deps.beforeRemoval();
  await ensureDeleted(scope);
  await deps.backups.archiver
    .discard(cluster)
    .catch(error =>
      scope.logger.warn(
        `Could not remove the archived log of ${ref}: ${error.message}`,
      ),
    );
  await deps.clusters.remove(cluster.metadata.uid);
  await scope.recordEvent('Normal', 'Deleted', `Deleted EngineCluster ${ref}`);
  scope.logger.info(`Deleted EngineCluster ${ref}`);
  return 'deleted';
}

/**
 * Starts the final backup as an operation, or follows the one under way:
 * `waiting` while it runs (its end queues the cluster), `blocked` once it
 * failed. One cut by a backend that stopped is started again, once what
 * it left running is removed.
 */
async function ensureFinalBackup(
  stored: StoredCluster,
  scope: ClusterScope,
  deps: DeletionDeps,
): Promise<DeletionOutcome> {
  const { operations } = scope;
  const running = await operations.running('final-backup');
  if (running.length) {
    await deps.report(
      `${BACKING_UP}; the Backups card shows its progress`,
      running,
    );
    return 'waiting';
  }
  for (const interrupted of await operations.interrupted('final-backup')) {
    await deps.backups.finalBackup.removeLeftovers(scope.key);
    await operations.undone(interrupted);
  }
  const [failed] = operations.takeFailures('final-backup');
  if (failed) {
    await blockDeletion(stored, scope, deps, (failed.error as Error).message);
    return 'blocked';
  }
  await scope.recordEvent('Normal', ClusterReasons.BackingUp, BACKING_UP);
  const started = await operations.start(
    { kind: 'final-backup', progress: 'Locking writes' },
    async control => {
      const outcome = await deps.backups.finalBackup.ensure(
        stored,
        scope.recordEvent,
        control.report,
      );
      if (!outcome.ok) throw new Error(outcome.message);
    },
  );
  await deps.report(`${BACKING_UP}; the Backups card shows its progress`, [
    started,
  ]);
  return 'waiting';
}

/** Withdraws the deletion: the cluster and its data stay. */
async function blockDeletion(
  stored: StoredCluster,
  scope: ClusterScope,
  deps: DeletionDeps,
  why: string,
): Promise<void> {
  const message = `Not deleted: ${why}. The cluster and its data are intact; delete it again to retry, or apply terminationPolicy Delete to delete it without a backup.`;
  await deps.backups.lifecycle.blockDeletion(stored.cluster.metadata.uid, {
    reason: ClusterReasons.FinalBackupFailed,
    message,
    at: new Date().toISOString(),
  });
  await scope.recordEvent('Warning', ClusterReasons.FinalBackupFailed, message);
  scope.logger.warn(message);
}

/** Why the cluster holds no data to back up, if it holds none. */
function whyNoData(lifecycle: ClusterLifecycle): string | undefined {
  if (lifecycle.restoreFailure && !lifecycle.restoredAt) {
    return 'its restore failed for good';
  }
  if (!lifecycle.heldDataAt) return 'no primary of it ever became ready';
  return undefined;
}
