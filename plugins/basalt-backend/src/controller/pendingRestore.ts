import { ClusterReasons, ClusterResource } from '@basalt/plugin-basalt-common';
import { EngineDriver } from '@basalt/plugin-basalt-node';
import { ControllerBackups } from './ClusterController';
import { StoredCluster } from '../store';
import { Observation } from './computeStatus';
import { PendingRestore } from './ReconcileContext';
import { restored } from './steps/ensureRestored';

/**
 * The restore of a cluster's `spec.restore`, resolved to its backup. A
 * source that cannot be resolved (the backup was pruned, say) fails the
 * restore for good: the returned restore's bootstrap rethrows that error,
 * which the reconcile records as the Restored condition.
 */
export async function pendingRestore(
  cluster: ClusterResource,
  driver: EngineDriver | undefined,
  backups: ControllerBackups,
): Promise<PendingRestore> {
  const { uid } = cluster.metadata;
  const { lifecycle, planner } = backups;
  const marks = {
    markRestored: () => lifecycle.markRestored(uid, new Date().toISOString()),
    markFailed: (message: string) => lifecycle.markRestoreFailed(uid, message),
    isRestored: async () => !!(await lifecycle.find(uid))?.restoredAt,
  };
  const plan = await planner
    .plan(cluster.spec.restore!, cluster.spec)
    .catch((error: Error) => error);
  if (plan instanceof Error) {
    const fail = async (): Promise<never> => {
      throw plan;
    };
    return {
      description: describeRestoreSource(cluster),
      method: 'physical',
      primaryBootstrap: () => ({ from: 'restore', restore: fail }),
      loadLogical: fail,
      ...marks,
    };
  }
  const engineBackups = driver?.backups;
  const source = planner.openBackup(plan);
  const method = plan.backup.record.method;
  // A failed restore whose backup turns out corrupted fails for good; an
  // aborted one says nothing about the backup.
  const checked = async <T>(
    restore: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> => {
    try {
      return await restore();
    } catch (error) {
      if (!signal?.aborted) await planner.checkIntegrity(plan);
      throw error;
    }
  };
  return {
    description: plan.description,
    method,
    primaryBootstrap: engine =>
      method === 'physical' && engineBackups
        ? {
            from: 'restore',
            restore: host =>
              checked(async () =>
                engineBackups.restorePhysical(host, engine, source, {
                  archive: await planner.openArchive(plan),
                  targetTime: plan.targetTime,
                }),
              ),
          }
        : undefined,
    loadLogical: async (primary, engine, signal) =>
      engineBackups
        ? checked(
            () => engineBackups.restoreLogical(primary, engine, source, signal),
            signal,
          )
        : [],
    ...marks,
  };
}

/** `spec.restore` in words. */
export function describeRestoreSource(cluster: ClusterResource): string {
  const restore = cluster.spec.restore!;
  return 'backup' in restore
    ? `backup ${restore.backup}`
    : `${restore.cluster}${restore.time ? ` as of ${restore.time}` : ''}`;
}

/**
 * What the status says of a restore that failed for good (the backup is
 * corrupted or gone), which is never tried again; undefined otherwise.
 */
export function restoreFailedForGood(
  stored: StoredCluster,
): Observation | undefined {
  const { cluster, lifecycle } = stored;
  const message = lifecycle.restoreFailure;
  if (!cluster.spec.restore || !message || lifecycle.restoredAt) {
    return undefined;
  }
  const reason = ClusterReasons.RestoreFailed;
  return {
    observed: [],
    endpoints: {},
    failure: { reason, message },
    restore: { restored: false, reason, message },
  };
}

/** The Restored condition of a cluster whose restore is done. */
export function restoreDone(stored: StoredCluster): Observation['restore'] {
  const { cluster, lifecycle } = stored;
  if (!cluster.spec.restore || !lifecycle.restoredAt) return undefined;
  return restored(describeRestoreSource(cluster));
}
