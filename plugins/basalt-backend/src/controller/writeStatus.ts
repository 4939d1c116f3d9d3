import { BackupStore, ClusterStore, InstanceStore } from '../store';
import { computeStatus, Observation } from './computeStatus';
import { conditionStatus } from './conditions';
import { ClusterScope } from './ReconcileContext';

/** The stores a status is written to and completed from. */
export interface StatusStores {
  clusters: ClusterStore;
  instances: InstanceStore;
  backups: BackupStore;
}

/**
 * Writes the status a pass observed, with the newest completed backup,
 * only when it changed; records a `Ready` event when the cluster becomes
 * ready, and one Warning per distinct problem.
 */
export async function writeStatus(
  stores: StatusStores,
  scope: ClusterScope,
  observation: Observation,
): Promise<void> {
  const { cluster } = scope;
  const latest = await stores.backups.latestCompleted(cluster.metadata.uid);
  const status = computeStatus(
    cluster,
    {
      ...observation,
      deletionBlocked: scope.deletionBlocked,
      ...(latest && {
        lastBackup: {
          id: latest.id,
          method: latest.method,
          completedAt: latest.completedAt!,
          sizeBytes: latest.sizeBytes,
        },
      }),
    },
    new Date().toISOString(),
  );
  if (!(await stores.clusters.updateStatus(cluster.metadata.uid, status))) {
    return; // nothing new: write nothing
  }
  await stores.instances.replace(cluster.metadata.uid, status.instances);
  const wasReady = conditionStatus(cluster.status?.conditions, 'Ready');
  const isReady = conditionStatus(status.conditions, 'Ready');
  if (isReady === 'True' && wasReady !== 'True') {
    const message = status.conditions.find(c => c.type === 'Ready')!.message;
    await scope.recordEvent('Normal', 'Ready', `Cluster is ready: ${message}`);
    scope.logger.info(`Cluster is ready: ${message}`);
  }
  // One Warning per distinct problem (a failure, or instances that stop
  // answering): the same problem found again, even with other details
  // such as temporary file names, is not news.
  const wasDegraded = cluster.status?.conditions.find(
    c => c.type === 'Degraded' && c.status === 'True',
  );
  const degraded = status.conditions.find(
    c => c.type === 'Degraded' && c.status === 'True',
  );
  if (degraded && degraded.reason !== wasDegraded?.reason) {
    await scope.recordEvent('Warning', degraded.reason, degraded.message);
    scope.logger.warn(degraded.message);
  }
}
