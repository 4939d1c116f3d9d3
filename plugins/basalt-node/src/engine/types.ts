import {
  ConnectionSettings,
  EngineCapabilities,
  EngineCluster,
  EngineFigure,
  InstanceRole,
  LogLevel,
  ReplicaLag,
  ManifestIssue,
  NetworkPolicy,
  ParameterDefinition,
  RefusedParameterRule,
  ReservedNames,
} from '@basalt/plugin-basalt-common';
import type { EngineBackups } from './backups';
import type { EngineProcess } from './process';
import type { EngineHost } from './host';

/**
 * Generated credentials of one cluster. Held by the runtime (a 0600 file
 * locally, a Secret on Kubernetes); never returned by the API or logged.
 *
 * @public
 */
export interface ClusterCredentials {
  /** The engine's administrative account, used by Basalt itself. */
  superuser: { username: string; password: string };
  /** The account replicas stream from the primary with. */
  replication: { username: string; password: string };
  /** One password per account in `spec.accounts`, by account name. */
  accounts: Record<string, string>;
  /**
   * The cluster's own CA and the server certificate its instances present;
   * absent only in credentials stored before Basalt issued certificates.
   */
  tls?: ClusterTls;
}

/**
 * A cluster's TLS material, all PEM. Kept with the credentials; only
 * `caCertificate` may be shown to anyone (clients verify the server with it).
 *
 * @public
 */
export interface ClusterTls {
  /** The cluster's self-signed CA certificate. */
  caCertificate: string;
  /** The CA's private key, which signs the server certificate when it is renewed. */
  caKey: string;
  /** The server certificate every instance presents, signed by the CA. */
  certificate: string;
  /** The server certificate's private key. */
  key: string;
}

/**
 * A network address of an instance.
 *
 * @public
 */
export interface EngineAddress {
  host: string;
  port: number;
}

/**
 * A point in an engine's replication history, in the engine's own notation
 * (PostgreSQL's WAL location `0/3000060`, a Redis replication offset, a
 * MariaDB GTID position). Opaque to Basalt: only the engine's driver
 * compares two of them ({@link EngineDriver.comparePositions}).
 *
 * @public
 */
export type ReplicationPosition = string;

/**
 * What {@link EngineDriver.connectionSettings} renders settings for.
 *
 * @public
 */
export interface ConnectionRequest {
  /** `host:port` of the endpoint the client connects to. */
  endpoint: string;
  account: string;
  /** For an engine with named databases, the one to connect to. */
  database?: string;
  /** With TLS, the file the client finds the cluster's CA certificate in. */
  caFile?: string;
}

/**
 * One account's settings for a Service Binding: the connection request with
 * what a binding carries beside it.
 *
 * @public
 */
export interface BindingRequest extends ConnectionRequest {
  password: string;
  /** The cluster's CA certificate (PEM), when it has TLS. */
  caCertificate?: string;
}

/**
 * What a probe found out about one running instance.
 *
 * @public
 */
export interface InstanceProbe {
  /** Accepts connections and queries. */
  ready: boolean;
  role: InstanceRole;
  /**
   * How far a replica is behind: what it received but has not applied, in
   * the units the engine's capabilities declare (`replication.lag`); zero
   * on a primary.
   */
  lag?: ReplicaLag;
  /**
   * How far its history goes: written on a primary, received on a replica.
   * The replica with the most advanced position has lost the least at a
   * failover; only {@link EngineDriver.comparePositions} orders them.
   */
  position?: ReplicationPosition;
  /** Why it is not ready, in the engine's words (e.g. a refused connection). */
  message?: string;
  /**
   * Engine-specific figures read along with the probe (e.g. Redis's used
   * memory against `maxmemory`), for people to see; the controller decides
   * nothing from them. A {@link ProbeSession}'s quick probes leave them out.
   */
  figures?: EngineFigure[];
}

/**
 * One instance probed again and again over a connection kept open (the
 * primary the controller watches for failover), so that a probe costs one
 * query rather than a new login.
 *
 * @public
 */
export interface ProbeSession {
  /**
   * Reports readiness and role as {@link EngineDriver.probe} does, within
   * the session's timeout; never throws. A failed probe drops the
   * connection and the next one connects anew, so a server that hung or
   * restarted is seen as it is now.
   */
  probe(): Promise<InstanceProbe>;
  /** Closes the connection; the session is not used afterwards. */
  close(): Promise<void>;
}

/**
 * How a runtime should run an existing instance's data.
 *
 * @public
 */
export type InstanceRoleRequest =
  | { role: 'primary' }
  | { role: 'replica'; primary: ReplicationSource };

/**
 * An instance that another replicates from, as each side reaches it: the
 * backend, which prepares it (e.g. a checkpoint), at `address`; the
 * replica, which copies and streams from it, at `peerAddress`. They differ
 * when the backend reaches engines through a tunnel, such as a Kubernetes
 * port-forward on the backend's own loopback.
 *
 * @public
 */
export interface ReplicationSource {
  address: EngineAddress;
  peerAddress: EngineAddress;
}

/**
 * What a driver reads from one line of its engine's log.
 *
 * @public
 */
export interface ParsedLogLine {
  level: LogLevel;
  /** ISO 8601, when the line carries a time with its zone. */
  timestamp?: string;
}

/**
 * Everything a driver needs to know about the cluster an instance belongs to.
 *
 * @public
 */
export interface EngineContext {
  spec: EngineCluster['spec'];
  credentials: ClusterCredentials;
  /**
   * The CPU and memory each instance of the cluster gets (its resource
   * class, or explicit `spec.resources`), which the driver sizes the
   * engine's memory settings and connections from. Absent: the engine's
   * own defaults.
   */
  resources?: InstanceResources;
  /**
   * Who may connect and whether TLS is required, from the cluster's region
   * profile; absent: `DEFAULT_NETWORK_POLICY` (basalt-common).
   */
  network?: NetworkPolicy;
}

/**
 * The CPU and memory one instance is sized for and, where the runtime can,
 * held to.
 *
 * @public
 */
export interface InstanceResources {
  /** CPU time in thousandths of a core: `2` cores is 2000. */
  cpuMillis: number;
  /** Memory in bytes. */
  memoryBytes: number;
}

/**
 * Knows one engine (PostgreSQL, Redis, MariaDB): how to create an instance's
 * data, run it, probe it, and manage its databases and accounts. Drivers talk
 * to instances over the network with the engine's own client and run the
 * engine's own tools through {@link EngineHost}, so one driver serves every
 * runtime.
 *
 * @public
 */
export interface EngineDriver {
  /** The engine's id, which manifests name in `spec.engine`, e.g. `postgresql`. */
  readonly engine: string;
  /** Versions this driver can run, e.g. `['15']`. */
  readonly versions: string[];
  /** The version a manifest that names none gets; one of `versions`. */
  readonly defaultVersion: string;
  /**
   * What the engine can do. Admission refuses a manifest that asks for
   * more, and the controller, the API and the frontend ask this rather than
   * the engine's name.
   */
  readonly capabilities: EngineCapabilities;
  /**
   * The engine programs the driver runs through {@link EngineHost}, so a
   * runtime can check they are there before it creates anything.
   */
  readonly programs: string[];
  /** How runtimes run, stop and find the engine's server process. */
  readonly process: EngineProcess;
  /**
   * Every parameter a manifest may set in `spec.parameters`, with its type,
   * range and whether a change reloads or restarts. Nothing else can be
   * set: the API refuses it before the manifest is stored.
   */
  readonly parameters: ParameterDefinition[];
  /**
   * Parameters no manifest and no added definition may ever name, and why
   * (commands, libraries, paths, what Basalt manages itself).
   */
  readonly refusedParameters: RefusedParameterRule[];
  /** Account and database names a manifest may not declare. */
  readonly reservedNames: ReservedNames;
  /**
   * Rules between fields that only this engine knows, checked at apply
   * with the manifest as it will run (e.g. PostgreSQL's
   * `synchronous_commit` must wait for replicas when `ha.replication` is
   * `sync`). Returns every problem with its field; none when it is fine.
   */
  checkSpec(spec: EngineCluster['spec']): ManifestIssue[];
  /** Creates the data of a new primary (e.g. initdb and configuration). */
  initializePrimary(host: EngineHost, context: EngineContext): Promise<void>;
  /** Creates the data of a replica as a copy of `source`, ready to stream from it. */
  initializeReplica(
    host: EngineHost,
    context: EngineContext,
    source: ReplicationSource,
  ): Promise<void>;
  /** The program and arguments that run the server in the foreground. */
  serverCommand(host: EngineHost): { program: string; args: string[] };
  /**
   * The configuration files the driver writes into an instance's data
   * directory, by name, rendered from the engine template and the
   * manifest; none holds a secret. A runtime may keep them beside the
   * instance (the Kubernetes runtime's ConfigMap). Throws `InputError`
   * for a setting the driver refuses.
   */
  configurationFiles(
    host: EngineHost,
    context: EngineContext,
  ): Record<string, string>;
  /**
   * Makes a running instance read its configuration files again, as the
   * runtime just rewrote them, and resolves once it has: the parameters
   * whose definitions say `reload` take effect in place; the others wait
   * for the instance's next restart.
   */
  reloadConfiguration(
    address: EngineAddress,
    context: EngineContext,
  ): Promise<void>;
  /**
   * Whether a rolling restart from the configuration of `applied` to that
   * of `wanted` must restart the primary before the replicas, rather than
   * replicas first and a switchover last: e.g. a PostgreSQL standby stops
   * replaying when it runs with a lower `max_connections` than its primary.
   */
  restartPrimaryFirst(applied: EngineContext, wanted: EngineContext): boolean;
  /**
   * Makes a running instance present the cluster's current server
   * certificate (`context.credentials.tls`), e.g. after it was renewed, and
   * resolves with whether anything changed. Absent: the engine serves no
   * TLS, or picks up certificates by itself.
   */
  ensureServerCertificate?(
    address: EngineAddress,
    context: EngineContext,
  ): Promise<boolean>;
  /**
   * Connects to the instance and reports readiness, role, lag and position;
   * never throws (an instance that does not answer within `timeoutMs`, or
   * the driver's default, is not ready).
   */
  probe(
    address: EngineAddress,
    context: EngineContext,
    options?: { timeoutMs?: number },
  ): Promise<InstanceProbe>;
  /**
   * How a client connects to `endpoint` (`host:port`) as `account`, to
   * `database` for an engine with named databases, verifying the server
   * with the CA certificate in the file `caFile` when the cluster has
   * TLS: a URL without the password, and the same settings one by one, in
   * the terms of the engine's own clients.
   */
  connectionSettings(request: ConnectionRequest): ConnectionSettings;
  /**
   * The entries of the account's Service Binding Secret
   * (servicebinding.io): `type` (the engine, as the specification names
   * it), `provider`, `host`, `port`, `username`, `password`, and the
   * engine's own, such as `database` and its TLS settings, in the names the
   * specification's client libraries read.
   */
  bindingEntries(request: BindingRequest): Record<string, string>;
  /**
   * Orders two positions of one cluster's history
   * ({@link InstanceProbe.position}): negative when `a` is behind `b`, zero
   * when they are the same point, positive when `a` is ahead. Throws
   * `InputError` for a position that is not in the engine's notation.
   */
  comparePositions(a: ReplicationPosition, b: ReplicationPosition): number;
  /**
   * Of a failure to start an instance (the runtime's message, which ends
   * with the engine's log), the engine's own words when it refused the
   * cluster's configuration: a failure only a new spec can fix, so the
   * controller waits for one rather than retrying. `undefined` for any
   * other failure (a full disk, a port taken, a crash).
   */
  configurationRejected?(startFailure: string): string | undefined;
  /**
   * Opens a {@link ProbeSession} on the instance, for probing it several
   * times a second, each probe within `timeoutMs`; it connects at its first
   * probe. Absent: every probe of a watched primary goes through
   * {@link EngineDriver.probe}.
   */
  openProbeSession?(
    address: EngineAddress,
    context: EngineContext,
    options: { timeoutMs: number },
  ): ProbeSession;
  /**
   * Makes a replica the primary and resolves once it accepts writes, after
   * it has applied everything it received.
   */
  promote(address: EngineAddress, context: EngineContext): Promise<void>;
  /**
   * Points a running replica at another primary, without a restart;
   * `primary` is where the replica reaches it (its peer address).
   */
  follow(
    replica: { name: string; address: EngineAddress },
    primary: EngineAddress,
    context: EngineContext,
  ): Promise<void>;
  /**
   * Makes the primary acknowledge a commit only once a replica has it too
   * (`synchronous`), or not; resolves with whether anything changed.
   */
  ensureSynchronousReplication(
    primary: EngineAddress,
    context: EngineContext,
    synchronous: boolean,
  ): Promise<boolean>;
  /**
   * Prepares a stopped instance's data to start as a replica of `primary`.
   * A former primary is first brought back to the point where its history
   * and the new primary's split (so it can never serve writes the new
   * primary does not have). Resolves with what it did beyond pointing the
   * data at `primary`, in words, for logs and events (e.g. `rewound to the
   * new primary with pg_rewind`); none when that was all.
   */
  prepareReplica(
    host: EngineHost,
    context: EngineContext,
    replica: { name: string; primary: ReplicationSource },
  ): Promise<string[]>;
  /**
   * Creates the manifest's databases and accounts on the primary where they
   * are missing; returns what it changed, in words, for events.
   */
  ensureDatabasesAndAccounts(
    primary: EngineAddress,
    context: EngineContext,
  ): Promise<string[]>;
  /**
   * Makes the primary refuse writes (`locked`) or take them again: new
   * transactions are read-only and sessions that could write are ended.
   * Before a final backup, so nothing written after it is lost; and when a
   * volume is nearly full. Safe to repeat.
   */
  setWritesLocked(
    primary: EngineAddress,
    context: EngineContext,
    locked: boolean,
  ): Promise<void>;
  /**
   * Backup and restore; absent when the engine has none (its capabilities
   * then declare no backup methods).
   */
  readonly backups?: EngineBackups;
  /**
   * Reads the severity and time of one line of the engine's log, as the
   * driver configured the engine to write it. A line it does not recognise
   * (e.g. a continuation) is `info` without a timestamp; never throws.
   */
  parseLogLine(line: string): ParsedLogLine;
}
