import { ClusterResource } from '@basalt/plugin-basalt-common';
import { OperationStore } from '../../store';
import { ClusterOperations } from '../ReconcileContext';
import { OperationRunner } from './OperationRunner';

/**
 * One cluster's view of its operations: those running in any backend, as
 * the store has them; failures and starts through this backend's runner,
 * stamped with the generation the cluster is at.
 */
export function clusterOperations(
  runner: OperationRunner,
  store: OperationStore,
  cluster: ClusterResource,
): ClusterOperations {
  const { uid, generation } = cluster.metadata;
  return {
    running: async kind =>
      (await store.listRunning(uid)).filter(o => !kind || o.kind === kind),
    interrupted: async kind =>
      (await store.listInterrupted(uid)).filter(o => o.kind === kind),
    undone: operation => store.undone(operation.id),
    takeFailures: kind => runner.takeFailures(uid, kind),
    cancel: operation => runner.abort(operation.id),
    start: (request, work) =>
      runner.start({ ...request, clusterUid: uid, generation }, work),
  };
}
