import { LastBackup } from '../backups';
import type { EngineCluster } from '../manifest';
import { ClusterCondition } from './conditions';

/**
 * The role an instance plays in its cluster.
 *
 * @public
 */
export type InstanceRole = 'primary' | 'replica' | 'unknown';

/**
 * How far a replica is behind its primary, in whichever units its engine
 * measures: bytes of log not yet applied, seconds, or operations.
 *
 * @public
 */
export interface ReplicaLag {
  bytes?: number;
  seconds?: number;
  operations?: number;
}

/**
 * Whether a lag is nothing in every unit it was measured in; a lag measured
 * in none is unknown, not nothing.
 *
 * @public
 */
export function lagIsZero(lag: ReplicaLag | undefined): boolean {
  const measured = Object.values(lag ?? {}).filter(
    (value): value is number => value !== undefined,
  );
  return measured.length > 0 && measured.every(value => value === 0);
}

/**
 * One figure an engine reports of a running instance beside its role and
 * lag, in the engine's own terms (Redis: used memory against `maxmemory`,
 * keys, hit ratio, clients); shown on the Health card as it comes.
 *
 * @public
 */
export interface EngineFigure {
  /** A stable id, e.g. `usedMemory`. */
  name: string;
  /** What it is, in the engine's words, e.g. `Memory used`. */
  label: string;
  value: number;
  /** How to show `value` (and `limit`): bytes, a plain count, or a 0–1 ratio. */
  unit: 'bytes' | 'count' | 'ratio';
  /**
   * What `value` may reach, e.g. `maxmemory`; with it the card shows how
   * full the instance is. Absent: no limit.
   */
  limit?: number;
}

/**
 * One instance (engine process) of a cluster, as the controller saw it.
 *
 * @public
 */
export interface InstanceStatus {
  name: string;
  role: InstanceRole;
  /** The (virtual) node the instance runs on. */
  node: string;
  ready: boolean;
  /**
   * How far the replica is behind its primary, in the units its engine
   * measures (see `EngineCapabilities.replication.lag`); zero on the
   * primary.
   */
  lag?: ReplicaLag;
  /**
   * Bytes of log the replica has still to replay; 0 on the primary.
   *
   * @deprecated `lag.bytes`; this field goes in the next release.
   */
  lagBytes?: number;
  /** host:port of the instance itself. */
  address?: string;
  /** Why it is not ready, as its last probe found (absent when ready). */
  message?: string;
  /** What its engine reports of it besides, as its last probe found. */
  figures?: EngineFigure[];
}

/**
 * Where clients connect: stable across failovers and restarts.
 *
 * @public
 */
export interface ClusterEndpoints {
  /** host:port that always leads to the primary. */
  readWrite?: string;
  /** host:port spread over the replicas (the primary when there are none). */
  readOnly?: string;
}

/**
 * The high-level phase, derived from the conditions for display only;
 * automation should read the conditions.
 *
 * @public
 */
export type ClusterPhase =
  | 'Pending'
  | 'Creating'
  | 'Running'
  | 'Updating'
  | 'Degraded'
  | 'Failed'
  | 'Deleting';

/**
 * Where a cluster's generated credentials are kept. The credentials
 * themselves never leave the backend through the API.
 *
 * @public
 */
export interface CredentialsReference {
  /** Runtime that holds them, e.g. `local` (a file) or `kubernetes` (a Secret). */
  kind: 'file' | 'secret';
  /** File path (mode 0600) or `namespace/name` of the Secret. */
  location: string;
}

/**
 * How clients connect to a cluster with TLS and verify its server: with
 * PostgreSQL, `sslmode=verify-full sslrootcert=<the CA file>` to the
 * endpoints' host (`localhost` or 127.0.0.1 locally, the Services' DNS
 * names on Kubernetes).
 *
 * @public
 */
export interface ClusterTlsStatus {
  /** Plain connections are refused (the region profile requires TLS). */
  required: boolean;
  /** The libpq `sslmode` that verifies the server's certificate and name. */
  sslmode: 'verify-full';
  /**
   * Where to get the cluster's CA certificate (PEM): the API path
   * `/api/basalt/clusters/<namespace>/<name>/ca.crt`, readable by whoever
   * may read the cluster.
   */
  caCertificateUrl: string;
  /** The cluster's CA certificate itself, PEM; public. */
  caCertificate: string;
}

/**
 * The most recent change of primary, planned (switchover) or not (failover).
 *
 * @public
 */
export interface FailoverRecord {
  kind: 'failover' | 'switchover';
  /** ISO 8601, when the change was complete. */
  timestamp: string;
  /** The instance that was primary before, when there was one. */
  from?: string;
  /** The instance that is primary now. */
  to: string;
  /** From detection (or request) to the read-write endpoint moved. */
  durationMs: number;
  /** Why it happened, in plain words. */
  reason: string;
}

/**
 * Kinds of long work the controller runs as tracked operations: creating
 * an instance (initialising, cloning or restoring its data), loading a
 * logical backup into a restored cluster's first primary, restarting an
 * instance in a rolling restart, and the final backup of a
 * `BackupThenDelete` deletion (with its verification).
 *
 * @public
 */
export type ClusterOperationKind =
  | 'create-instance'
  | 'restore'
  | 'restart'
  | 'final-backup';

/**
 * Phases of an operation: it runs, then ends one way. `Interrupted`: the
 * backend running it stopped before it ended; the controller undoes what
 * it left (e.g. a half-made instance), and it is `Failed` from then on.
 *
 * @public
 */
export type ClusterOperationPhase =
  | 'Running'
  | 'Succeeded'
  | 'Failed'
  | 'Cancelled'
  | 'Interrupted';

/**
 * Long work under way on a cluster (e.g. cloning a replica), which runs
 * apart from the controller's passes and is recorded while it runs.
 *
 * @public
 */
export interface ClusterOperation {
  id: string;
  kind: ClusterOperationKind;
  /** What it works on, e.g. the instance it creates. */
  target?: string;
  /** The node it works on, where it has one. */
  node?: string;
  phase: ClusterOperationPhase;
  /** What it is doing now, in plain words. */
  progress?: string;
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601, once it has ended. */
  finishedAt?: string;
  /** Why it failed or was cancelled. */
  error?: string;
}

/**
 * The observed state of a cluster, written by the controller only.
 *
 * @public
 */
export interface EngineClusterStatus {
  observedGeneration: number;
  phase: ClusterPhase;
  conditions: ClusterCondition[];
  instances: InstanceStatus[];
  endpoints: ClusterEndpoints;
  credentials?: CredentialsReference;
  /** How clients connect with TLS; absent until the cluster has certificates. */
  tls?: ClusterTlsStatus;
  /** The last change of primary; absent while the first primary still leads. */
  lastFailover?: FailoverRecord;
  /** The most recent completed backup, once there is one. */
  lastBackup?: LastBackup;
  /** The configuration the instances were last given. */
  configuration?: ConfigurationStatus;
  /** Long work running on the cluster now, e.g. replicas being cloned. */
  operations?: ClusterOperation[];
}

/**
 * The configuration the controller last wrote into every instance, and
 * what of it waits for a restart.
 *
 * @public
 */
export interface ConfigurationStatus {
  /** The generation whose parameters and resources these are. */
  generation: number;
  /** `spec.parameters` as written into the instances' configuration. */
  parameters: Record<string, string>;
  /** `spec.resources` the instances are sized with. */
  resources: EngineCluster['spec']['resources'];
  /**
   * Changed parameters (and `resources`) that take effect only when each
   * instance restarts: a rolling restart is under way while this is not
   * empty.
   */
  pendingRestart: string[];
  /**
   * The rolling restart restarts the primary first, in place (a change
   * replicas cannot run with before their primary has it), instead of
   * replicas first and a switchover last.
   */
  restartPrimaryFirst?: boolean;
}
