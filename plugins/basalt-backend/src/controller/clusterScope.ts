import { clusterRefOf } from '@basalt/plugin-basalt-common';
import { VolumeAllocation } from '../pools';
import { OperationStore, StoredCluster } from '../store';
import type { ClusterControllerOptions } from './ClusterController';
import { clusterOperations } from './operations/clusterOperations';
import { OperationRunner } from './operations/OperationRunner';
import { pendingRestore } from './pendingRestore';
import { PrimaryMonitor } from './PrimaryMonitor';
import { ClusterScope } from './ReconcileContext';
import { volumeAllocations } from './volumeAllocations';

/** What a cluster's scope is made from. */
export type ScopeDeps = Omit<ClusterControllerOptions, 'operations'> & {
  monitor: PrimaryMonitor;
  operations: OperationRunner;
  operationStore: OperationStore;
  /** The cluster's retired instance names, kept across passes. */
  retiredNames: (uid: string) => Set<string>;
};

/**
 * One cluster and what acting on it needs: its stores' views, the
 * runtime, the monitor's verdicts and its operations. Steps that change
 * what the scope holds (a new primary, a restart request) update it, for
 * the steps after them.
 */
export async function clusterScope(
  stored: StoredCluster,
  deps: ScopeDeps,
): Promise<ClusterScope> {
  const { runtime, logger, events, instances, primaries, clusters } = deps;
  const { cluster } = stored;
  const { uid } = cluster.metadata;
  const ref = clusterRefOf(cluster);
  let allocations: Promise<VolumeAllocation[]> | undefined;
  const scope: ClusterScope = {
    cluster,
    key: {
      namespace: cluster.metadata.namespace,
      name: cluster.metadata.name,
      uid,
    },
    runtime,
    logger: logger.child({ cluster: ref }),
    recordEvent: (type, reason, message) =>
      events.record({ clusterUid: uid, cluster: ref, type, reason, message }),
    pools: await deps.pools.current(),
    allocations: () =>
      (allocations ??= instances.withStorage().then(volumeAllocations)),
    restartRequestedAt: stored.restartRequestedAt,
    requestRestart: async at => {
      await clusters.requestRestart(
        cluster.metadata.namespace,
        cluster.metadata.name,
        at,
      );
      scope.restartRequestedAt = at;
    },
    primaryInstance: stored.primaryInstance,
    setPrimary: async instance => {
      await primaries.setPrimary(uid, instance);
      scope.primaryInstance = instance;
      deps.monitor.forgetLosses(uid);
    },
    primaryLoss: instance => deps.monitor.lossOf(uid, instance),
    stillLeads: () => deps.lease.isHeld(),
    retiredNames: deps.retiredNames(uid),
    operations: clusterOperations(
      deps.operations,
      deps.operationStore,
      cluster,
    ),
    switchover: stored.switchover,
    deletionBlocked: stored.lifecycle.deletionBlocked,
    finishSwitchover: async () => {
      if (stored.switchover) {
        await primaries.finishSwitchover(uid, stored.switchover);
      }
      scope.switchover = undefined;
    },
    ha: { probeTimeoutMs: deps.ha.probeTimeoutMs },
    volumeWatermarks: deps.volumeWatermarks,
    resourceClasses: deps.offerings.resourceClasses,
  };
  if (cluster.spec.restore && !stored.lifecycle.restoredAt) {
    scope.restore = await pendingRestore(
      cluster,
      deps.drivers.get(cluster.spec.engine),
      deps.backups,
    );
  }
  return scope;
}
