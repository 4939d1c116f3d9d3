import { EngineCluster } from '../manifest';
import { EngineClusterStatus } from './status';

/**
 * A cluster as the API returns it: the applied manifest, its generation and
 * the controller's status.
 *
 * @public
 */
export interface ClusterResource {
  apiVersion: EngineCluster['apiVersion'];
  kind: EngineCluster['kind'];
  metadata: EngineCluster['metadata'] & {
    uid: string;
    /** Bumped by every apply that changes the spec. */
    generation: number;
    creationTimestamp: string;
    /** Set once deletion was requested; the cluster goes when the controller is done. */
    deletionTimestamp?: string;
  };
  spec: EngineCluster['spec'];
  status?: EngineClusterStatus;
}

/**
 * One entry in a cluster's operation history.
 *
 * @public
 */
export interface ClusterEvent {
  id: string;
  /** `namespace/name` of the cluster. */
  cluster: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** ISO 8601. */
  timestamp: string;
}

/**
 * `namespace/name` of a cluster.
 *
 * @public
 */
export function clusterRefOf(cluster: {
  metadata: { namespace: string; name: string };
}): string {
  return `${cluster.metadata.namespace}/${cluster.metadata.name}`;
}
