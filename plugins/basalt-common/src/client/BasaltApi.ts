import {
  ClusterConnections,
  ClusterEvent,
  ClusterLogLine,
  ClusterResource,
  NodeSummary,
  PoolStatus,
  PasswordRotation,
  RevealedPassword,
} from '../cluster';
import { BackupMethod, BackupRecord, RestoreRequest } from '../backups';
import { HealthReport } from '../health';
import { EngineCluster, EngineClusterInput } from '../manifest';
import { Offerings } from '../offerings';

/**
 * Options accepted by every {@link BasaltApi} call.
 *
 * @public
 */
export interface BasaltRequestOptions {
  /**
   * A Backstage token to send instead of the fetch implementation's own,
   * for callers that act on behalf of a user (scaffolder actions, backend
   * modules).
   */
  token?: string;
  signal?: AbortSignal;
}

/**
 * What an apply would do: the answer of a dry run.
 *
 * @public
 */
export interface ClusterPlan {
  /** The apply would create the cluster (else it would update it). */
  created: boolean;
  /** The manifest as it would be stored and run. */
  manifest: EngineCluster;
}

/**
 * The Basalt REST API (`/api/basalt`), as used by the frontend plugin, the
 * scaffolder module and tests.
 *
 * @public
 */
export interface BasaltApi {
  /** Reads the backend's health; a failing backend is a report, not an error. */
  getHealth(options?: BasaltRequestOptions): Promise<HealthReport>;
  /** What the platform team offers: engine templates, profiles, size classes. */
  getOfferings(options?: BasaltRequestOptions): Promise<Offerings>;
  /** Creates or updates a cluster from its manifest (idempotent). */
  applyCluster(
    manifest: EngineClusterInput,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource>;
  /**
   * Admits a manifest as an apply would (the permission too) and stores
   * nothing: whether it would create the cluster, and the manifest as it
   * would run. Rejects with a 400 `ResponseError` naming each refused field.
   */
  planCluster(
    manifest: EngineClusterInput,
    options?: BasaltRequestOptions,
  ): Promise<ClusterPlan>;
  /** Reads one cluster; rejects with a 404 `ResponseError` when unknown. */
  getCluster(
    ref: ClusterRef,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource>;
  /**
   * How to connect as each of the cluster's accounts (URLs and settings,
   * never a password).
   */
  getConnections(
    ref: ClusterRef,
    options?: BasaltRequestOptions,
  ): Promise<ClusterConnections>;
  /**
   * Reveals one account's password to a caller with
   * `basalt.cluster.credentials.read`; the backend records each reveal as
   * an event. Rejects with 403 without the permission, 404 for an account
   * the cluster does not have.
   */
  revealPassword(
    ref: ClusterRef,
    account: string,
    options?: BasaltRequestOptions,
  ): Promise<RevealedPassword>;
  /**
   * Gives one account a new password (with `basalt.cluster.update`), which
   * the controller then sets in the engine; clients using the old one
   * must take the new one. Rejects with 403 without the permission, 404
   * for an account the cluster does not have, 409 while it is deleted.
   */
  rotatePassword(
    ref: ClusterRef,
    account: string,
    options?: BasaltRequestOptions,
  ): Promise<PasswordRotation>;
  /** Lists the clusters the caller may read. */
  listClusters(
    filter?: ClusterListFilter,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource[]>;
  /**
   * Requests deletion as the cluster's termination policy allows; rejects
   * with a 409 `ResponseError` saying why when it does not.
   */
  deleteCluster(
    ref: ClusterRef,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource>;
  /** The cluster's events, newest first. */
  listClusterEvents(
    ref: ClusterRef,
    query?: { limit?: number },
    options?: BasaltRequestOptions,
  ): Promise<ClusterEvent[]>;
  /**
   * Streams the cluster's engine log lines to `handlers.onLine`: the last
   * `tail` lines, then (with `follow`) new ones as they are written, until
   * `options.signal` aborts or the server ends the stream.
   */
  streamClusterLogs(
    ref: ClusterRef,
    query: ClusterLogsQuery,
    handlers: ClusterLogsHandlers,
    options?: BasaltRequestOptions,
  ): Promise<void>;
  /**
   * Restarts every instance, replicas first and one at a time; answers
   * once the restart is requested.
   */
  restartCluster(
    ref: ClusterRef,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource>;
  /**
   * Asks for a planned switchover to `target` (a replica's name) or, when
   * absent, to the most advanced replica; answers once it is requested.
   * It is done when `status.lastFailover` shows a switchover after the
   * request.
   */
  switchoverCluster(
    ref: ClusterRef,
    target?: string,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource>;
  /** Sets the number of instances; the controller adds or removes replicas. */
  scaleCluster(
    ref: ClusterRef,
    replicas: number,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource>;
  /**
   * The cluster's manifest to commit, as YAML: what was applied, without
   * what its engine template and region profile fill in, and never any
   * credentials.
   */
  getClusterManifest(
    ref: ClusterRef,
    options?: BasaltRequestOptions,
  ): Promise<string>;
  /** The runtime's nodes, with the instances the caller may see on them. */
  listNodes(options?: BasaltRequestOptions): Promise<NodeSummary[]>;
  /**
   * Each node's volume pools: capacity and throughput, physical,
   * allocatable with over-allocation, allocated and used, and how that
   * splits by cluster (naming only the clusters the caller may read).
   */
  listPools(options?: BasaltRequestOptions): Promise<PoolStatus[]>;
  /**
   * The cluster's backups, newest first, including those of earlier
   * clusters of the same name (which outlive their cluster).
   */
  listBackups(
    ref: ClusterRef,
    options?: BasaltRequestOptions,
  ): Promise<BackupRecord[]>;
  /** One backup of the cluster; a 404 `ResponseError` when unknown. */
  getBackup(
    ref: ClusterRef,
    id: string,
    options?: BasaltRequestOptions,
  ): Promise<BackupRecord>;
  /**
   * Starts a backup (`physical` by default, or the manifest's method) and
   * answers at once with it `Running`; poll {@link BasaltApi.getBackup}
   * until it is `Completed` or `Failed`.
   */
  createBackup(
    ref: ClusterRef,
    request?: { method?: BackupMethod },
    options?: BasaltRequestOptions,
  ): Promise<BackupRecord>;
  /**
   * Creates a new cluster from the source cluster's backups, with the
   * source's spec: from `request.backup`, from the latest backup, or at
   * `request.time` from physical backups and archived WAL. Answers with the
   * new cluster, which is ready when its `Ready` condition is.
   */
  restoreCluster(
    source: ClusterRef,
    request: RestoreRequest,
    options?: BasaltRequestOptions,
  ): Promise<ClusterResource>;
}

/**
 * Callbacks of {@link BasaltApi.streamClusterLogs}.
 *
 * @public
 */
export interface ClusterLogsHandlers {
  /** Called for every line, in the order the server sends them. */
  onLine(line: ClusterLogLine): void;
  /** Called once the server accepted the request, before any line. */
  onOpen?(): void;
}

/**
 * What {@link BasaltApi.streamClusterLogs} reads.
 *
 * @public
 */
export interface ClusterLogsQuery {
  /** One instance's log; all instances' when absent. */
  instance?: string;
  /** How many existing lines to send first (per instance); default 100. */
  tail?: number;
  /** Keep the stream open and send new lines; default true. */
  follow?: boolean;
}

/**
 * Names one cluster.
 *
 * @public
 */
export interface ClusterRef {
  namespace: string;
  name: string;
}

/**
 * Filters of {@link BasaltApi.listClusters}; all given ones must match.
 *
 * @public
 */
export interface ClusterListFilter {
  namespace?: string;
  /** Entity ref of the owner, e.g. `group:default/payments-team`. */
  owner?: string;
  labels?: Record<string, string>;
}
