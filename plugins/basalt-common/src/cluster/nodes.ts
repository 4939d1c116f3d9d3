import { InstanceRole } from './status';

/**
 * An instance as seen from the node it runs on.
 *
 * @public
 */
export interface NodeInstance {
  /** `namespace/name` of its cluster. */
  cluster: string;
  instance: string;
  engine: string;
  role: InstanceRole;
  ready: boolean;
}

/**
 * A node of the runtime with what runs on it. Only instances of clusters
 * the caller may read are listed.
 *
 * @public
 */
export interface NodeSummary {
  name: string;
  /** The runtime the node belongs to, e.g. `local` or `kubernetes`. */
  runtime: string;
  ready: boolean;
  instances: NodeInstance[];
}
