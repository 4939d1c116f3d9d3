import {
  ClusterEndpoints,
  CredentialsReference,
} from '@basalt/plugin-basalt-common';
import { Readable } from 'stream';
import {
  ClusterCredentials,
  EngineAddress,
  EngineContext,
  EngineDriver,
  InstanceResources,
  InstanceRoleRequest,
  ReplicationSource,
} from '../engine/types';
import type { EngineHost } from '../engine/host';

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
  /** Where the backend reaches its engine (probes, admin, backups). */
  address: EngineAddress;
  /**
   * Where the cluster's other instances reach it, for replication, when
   * that differs from `address`: e.g. a Pod's IP while the backend, outside
   * the cluster, goes through a port-forward on its own loopback. Read it
   * with {@link replicationSourceOf}.
   */
  peerAddress?: EngineAddress;
  /** Its process (or Pod) is running. */
  running: boolean;
  /** Why it is not running, when the runtime knows (e.g. the log's last lines). */
  message?: string;
  /**
   * When its current process (or Pod) started, ISO 8601; set while it runs.
   * The controller compares it with a requested restart's time to tell which
   * instances still have to restart.
   */
  startedAt?: string;
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
    | { from: 'replica-of'; source: ReplicationSource }
    | {
        from: 'restore';
        /**
         * Fills the empty data directory from a backup (the controller
         * streams it from the repository through the driver); the instance
         * is removed again when this rejects.
         */
        restore(host: EngineHost): Promise<void>;
      };
  driver: EngineDriver;
  context: EngineContext;
  /**
   * A requested restart, ISO 8601: a process that started before this time
   * is stopped and started again on the same data and address; one that
   * started later is left alone. Declarative, like Kubernetes'
   * `kubectl.kubernetes.io/restartedAt`, so asking again with the same time
   * restarts nothing more.
   */
  restartedAt?: string;
  /**
   * The volume the instance's data lives on, carved from its node's pool by
   * placement. Where the runtime can, it enforces `sizeBytes` as a hard
   * capacity cap and `throughputBytesPerSec` as a hard I/O cap; asking
   * again with a larger size grows the volume online (never shrinks it).
   * Absent: the data lives in the runtime's own storage, unlimited.
   */
  volume?: VolumeRequest;
  /**
   * The CPU and memory the instance is held to where the runtime can (see
   * {@link Runtime.resourceEnforcement}), as of its next start: a running
   * instance keeps the limits it started with, so a changed class takes
   * effect when it restarts. Absent: unlimited.
   */
  resources?: InstanceResources;
  /**
   * How an existing instance's data runs. A replica's data is prepared to
   * stream from `primary` before its server starts (a former primary is
   * rewound first), so an instance the controller no longer calls primary
   * can never start as one. Absent: as the data is.
   */
  role?: InstanceRoleRequest;
  /**
   * Aborts creating the instance's data (a clone, a restore) when fired:
   * the runtime stops the engine program at work, removes what was made
   * and rejects. A runtime that cannot stop it lets the creation run to
   * its end; an instance that already exists is not affected.
   */
  signal?: AbortSignal;
  /**
   * Creating the instance's data is long work beside serving clients (a
   * clone, a restore, a restore test): a runtime that can runs the
   * programs it takes at a lower CPU priority, so that engines already
   * serving and the failovers of other clusters come first (the local
   * runtime does; on Kubernetes each Pod has its own CPU). The server
   * itself runs at normal priority.
   */
  background?: boolean;
}

/**
 * One instance's volume, as placement decided it.
 *
 * @public
 */
export interface VolumeRequest {
  /** The pool it is carved from. */
  pool: string;
  /** The pool's directory on the node. */
  poolPath: string;
  sizeBytes: number;
  /** 0 for no throughput limit. */
  throughputBytesPerSec: number;
}

/**
 * Whether a runtime enforces volume limits on the disk, and if not, why.
 *
 * @public
 */
export type VolumeEnforcement =
  | { enforced: true }
  | { enforced: false; reason: string };

/**
 * Whether a runtime holds instances to their CPU and memory limits, and if
 * not, why.
 *
 * @public
 */
export type ResourceEnforcement =
  | { enforced: true }
  | { enforced: false; reason: string };

/**
 * How full an instance's volume is.
 *
 * @public
 */
export interface VolumeUsage {
  totalBytes: number;
  usedBytes: number;
  freeBytes: number;
  /**
   * The instance has a volume of its own. Otherwise these are the figures
   * of the filesystem its data shares with whatever else is on it.
   */
  dedicated: boolean;
}

/**
 * What {@link Runtime.readLogs} reads.
 *
 * @public
 */
export interface LogReadOptions {
  /** How many of the last lines to send first; 0 for none. */
  tailLines: number;
  /** Keep reading new lines as they are written, until `signal` aborts. */
  follow: boolean;
  /** Ends the reading (and any waiting for new lines) when aborted. */
  signal: AbortSignal;
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
 * Something that happened to an instance without the controller asking.
 *
 * @public
 */
export type RuntimeEvent = InstanceExitedEvent | InstanceWarningEvent;

/**
 * What every {@link RuntimeEvent} says.
 *
 * @public
 */
export interface RuntimeEventBase {
  cluster: ClusterKey;
  instance: string;
  message: string;
  /** When the runtime noticed, ISO 8601. */
  timestamp: string;
}

/**
 * The instance stopped running: its process exited, or its Pod or node
 * went. The controller reconciles the cluster at once.
 *
 * @public
 */
export interface InstanceExitedEvent extends RuntimeEventBase {
  type: 'instance-exited';
}

/**
 * The platform warned about the instance, e.g. Kubernetes could not mount
 * its volume or its probe failed. It goes into the cluster's events for
 * people to see; the controller acts on what it observes, not on this.
 *
 * @public
 */
export interface InstanceWarningEvent extends RuntimeEventBase {
  type: 'instance-warning';
  /** The platform's reason, e.g. `FailedMount` or `Unhealthy`. */
  reason: string;
}

/**
 * A file an instance left for archiving (a completed WAL segment, or a
 * timeline history file).
 *
 * @public
 */
export interface SpooledFile {
  instance: string;
  /** The engine's file name, e.g. `000000010000000000000003`. */
  name: string;
  size: number;
}

/**
 * The files a cluster's instances leave in their {@link EngineHost.archiveDir}
 * for the backend to move into the backup repository. A file appears only
 * once complete; the backend removes it after it is safely archived.
 *
 * @public
 */
export interface ArchiveSpool {
  /** Every instance's spooled files, in name order. */
  list(cluster: ClusterKey): Promise<SpooledFile[]>;
  open(cluster: ClusterKey, file: SpooledFile): Promise<Readable>;
  /** Removes a spooled file; absent is fine. */
  remove(cluster: ClusterKey, file: SpooledFile): Promise<void>;
}

/**
 * One account's Service Binding: the entries its engine driver gives
 * (`EngineDriver.bindingEntries`).
 *
 * @public
 */
export interface AccountBinding {
  account: string;
  entries: Record<string, string>;
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
  /**
   * Writes the driver's configuration files
   * ({@link EngineDriver.configurationFiles}, rendered for
   * `request.context` as it is now) into an existing instance again,
   * replacing the ones it was created with. A running engine reads them at
   * its next reload ({@link EngineDriver.reloadConfiguration}) or restart.
   * Throws `NotFoundError` for an instance that does not exist.
   */
  writeConfiguration(request: InstanceRequest): Promise<void>;
  /**
   * Reads an instance's engine log as raw lines, oldest first: the last
   * `tailLines`, then (with `follow`) each new line as it is written, until
   * `signal` aborts. Without `follow` it ends after the tail. Lines are the
   * engine's own; {@link EngineDriver.parseLogLine} interprets them. Throws
   * `NotFoundError` (from `@backstage/errors`) for an unknown instance.
   */
  readLogs(
    cluster: ClusterKey,
    instance: string,
    options: LogReadOptions,
  ): AsyncIterable<string>;
  /**
   * Stops the instance's process and leaves its data. `kill` ends it at
   * once, whatever state it is in (a hung process too): the fencing of a
   * lost primary. `clean` lets the engine shut down in order, e.g. a
   * PostgreSQL primary sends all its WAL to its replicas first. Nothing
   * restarts it until `ensureInstance` is called for it again.
   */
  stopInstance(
    cluster: ClusterKey,
    name: string,
    mode: 'kill' | 'clean',
  ): Promise<void>;
  /** Stops the instance and removes its data. */
  removeInstance(cluster: ClusterKey, name: string): Promise<void>;
  /**
   * An {@link EngineHost} over an existing instance's data, where its
   * engine's programs run beside the running server: for tools that must
   * run next to the data, such as a physical backup taken by the engine's
   * own tool and streamed out with `spawn`.
   *
   * @throws NotFoundError when there is no such instance.
   */
  instanceHost(
    cluster: ClusterKey,
    name: string,
    engine: string,
  ): Promise<EngineHost>;
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
  /**
   * Where applications run beside the cluster (Kubernetes): keeps one
   * Service Binding per account, exactly `bindings`, in the namespace the
   * cluster's objects are in, for a workload to mount; removed with the
   * credentials. Absent where applications find their settings otherwise.
   */
  ensureBindings?(
    cluster: ClusterKey,
    bindings: AccountBinding[],
  ): Promise<void>;
  /**
   * Replaces one account's password with a newly generated one, keeping
   * every other credential; the controller then sets it in the engine.
   */
  rotatePassword(cluster: ClusterKey, account: string): Promise<void>;
  removeCredentials(cluster: ClusterKey): Promise<void>;
  /**
   * Where instances leave files for archiving (continuous WAL archiving);
   * absent when the runtime offers none, and then no instance gets an
   * {@link EngineHost.archiveDir}.
   */
  readonly archive?: ArchiveSpool;
  /**
   * Whether volume limits (capacity and throughput) are enforced on the
   * disk here, and if not, why (e.g. not running as root); the controller
   * shows it as a condition, so limits are never dropped silently.
   */
  volumeEnforcement(): Promise<VolumeEnforcement>;
  /**
   * Whether instances are held to their {@link InstanceRequest.resources}
   * (CPU and memory limits) here, and if not, why; the controller shows it
   * as a condition, so limits are never dropped silently.
   */
  resourceEnforcement(): Promise<ResourceEnforcement>;
  /**
   * How full the instance's volume (or, without one, its data's
   * filesystem) is; undefined for an unknown instance.
   */
  volumeUsage(
    cluster: ClusterKey,
    instance: string,
  ): Promise<VolumeUsage | undefined>;
  /** Subscribes to instance events; returns the unsubscribe function. */
  subscribe(listener: (event: RuntimeEvent) => void): () => void;
  /**
   * Why the instance's server process cannot be answering although it
   * exists (stopped by a signal, a zombie), read from the process table
   * without asking the engine; undefined when it runs, is gone (the
   * runtime's events tell that) or the runtime cannot see its processes.
   * Cheap enough for every probe of a watched primary: a server process
   * serving a kept connection can answer while the server itself is stuck.
   */
  stalledProcess?(
    cluster: ClusterKey,
    name: string,
  ): Promise<string | undefined>;
}
