import {
  ClusterEndpoints,
  CredentialsReference,
} from '@basalt/plugin-basalt-common';
import {
  ClusterCredentials,
  EngineAddress,
  EngineContext,
  EngineDriver,
} from '../engine/types';

/**
 * Identifies a cluster to a runtime. `uid` tells apart a cluster from a
 * later one of the same name.
 *
 * @public
 */
export interface ClusterKey {
  namespace: string;
  name: string;
  uid: string;
}

/**
 * A node instances can be placed on (a virtual node locally, a Kubernetes
 * Node on Kubernetes).
 *
 * @public
 */
export interface RuntimeNode {
  name: string;
  ready: boolean;
}

/**
 * An instance as it exists in the runtime right now.
 *
 * @public
 */
export interface RuntimeInstance {
  /** `<cluster>-<ordinal>`, stable for the instance's life. */
  name: string;
  node: string;
  address: EngineAddress;
  /** Its process (or Pod) is running. */
  running: boolean;
  /** Why it is not running, when the runtime knows (e.g. the log's last lines). */
  message?: string;
}

/**
 * An instance the controller wants to exist.
 *
 * @public
 */
export interface InstanceRequest {
  cluster: ClusterKey;
  name: string;
  node: string;
  /** How to create its data the first time: a new primary, or a copy of one. */
  bootstrap:
    | { from: 'scratch' }
    | { from: 'replica-of'; source: EngineAddress };
  driver: EngineDriver;
  context: EngineContext;
}

/**
 * Where the endpoints should lead.
 *
 * @public
 */
export interface EndpointTargets {
  readWrite?: EngineAddress;
  readOnly: EngineAddress[];
}

/**
 * Something that happened to an instance without the controller asking,
 * e.g. its process exited.
 *
 * @public
 */
export interface RuntimeEvent {
  type: 'instance-exited';
  cluster: ClusterKey;
  instance: string;
  message: string;
}

/**
 * Where instances run: real processes on this host (`local`) or Pods on
 * Kubernetes. Every method is idempotent: `ensure*` creates what is missing
 * and adopts what exists, `remove*` treats "already gone" as success.
 *
 * @public
 */
export interface Runtime {
  readonly name: string;
  /** The nodes instances can be placed on. */
  listNodes(): Promise<RuntimeNode[]>;
  /** The instances of a cluster that exist now, running or not. */
  listInstances(cluster: ClusterKey): Promise<RuntimeInstance[]>;
  /** Creates the instance's data if it has none, and runs it. */
  ensureInstance(request: InstanceRequest): Promise<RuntimeInstance>;
  /** Stops the instance and removes its data. */
  removeInstance(cluster: ClusterKey, name: string): Promise<void>;
  /** Creates or re-points the cluster's stable endpoints. */
  ensureEndpoints(
    cluster: ClusterKey,
    targets: EndpointTargets,
  ): Promise<ClusterEndpoints>;
  removeEndpoints(cluster: ClusterKey): Promise<void>;
  /** Generates the cluster's credentials once and returns them ever after. */
  ensureCredentials(
    cluster: ClusterKey,
    accounts: string[],
  ): Promise<{
    credentials: ClusterCredentials;
    reference: CredentialsReference;
  }>;
  removeCredentials(cluster: ClusterKey): Promise<void>;
  /** Subscribes to instance events; returns the unsubscribe function. */
  subscribe(listener: (event: RuntimeEvent) => void): () => void;
}
