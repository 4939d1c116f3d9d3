import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import {
  ClusterReasons,
  clusterRefOf,
  FailoverRecord,
  Offerings,
} from '@basalt/plugin-basalt-common';
import {
  EngineDriver,
  InstanceWarningEvent,
  Runtime,
} from '@basalt/plugin-basalt-node';
import { networkPolicyOf } from '../network/networkPolicy';
import { FinalBackup } from '../backups/FinalBackup';
import { RestorePlanner } from '../backups/RestorePlanner';
import { LogArchiver } from '../backups/LogArchiver';
import {
  BackupStore,
  ClusterStore,
  EventStore,
  InstanceStore,
  LifecycleStore,
  OperationStore,
  PrimaryStore,
  StoredCluster,
} from '../store';
import { restoreDone, restoreFailedForGood } from './pendingRestore';
import { VolumePools } from '../pools';
import { PrimaryMonitor, PrimaryMonitorSettings } from './PrimaryMonitor';
import { Observation } from './computeStatus';
import { Lease } from './Lease';
import { ClusterScope, ReconcileContext } from './ReconcileContext';
import {
  engineContextOf,
  ensureCredentials,
  reconcileCluster,
} from './reconcileCluster';
import { ensureFailover } from './steps/ensureFailover';
import { KeyedMutex } from '../runtime/KeyedMutex';
import { deleteCluster } from './deleteCluster';
import { deletingStatus } from './deletingStatus';
import { WorkQueue, WorkResult } from './WorkQueue';
import { clusterScope } from './clusterScope';
import { RetryBackoff } from './RetryBackoff';
import { driverFor } from './driverFor';
import { StatusStores, writeStatus } from './writeStatus';
import { OperationRunner } from './operations/OperationRunner';
import { watchPrimary } from './watchPrimary';

/**
 * How long stopping waits for reconciles in progress: within Kubernetes'
 * default termination grace period (30 s), so a backend Pod ends in order.
 */
const STOP_GRACE_MS = 20_000;

/** Options of {@link ClusterController.create}. */
export interface ClusterControllerOptions {
  clusters: ClusterStore;
  events: EventStore;
  instances: InstanceStore;
  lease: Lease;
  runtime: Runtime;
  drivers: Map<string, EngineDriver>;
  scheduler: SchedulerService;
  logger: LoggerService;
  /** How often every cluster is reconciled even when nothing triggered it. */
  resyncIntervalMs: number;
  /** Clusters reconciled at once. */
  concurrency: number;
  /** Which instance is each cluster's primary, and pending switchovers. */
  primaries: PrimaryStore;
  /** How lost primaries are noticed. */
  ha: PrimaryMonitorSettings;
  /**
   * Failovers carried out at once, on slots of their own: a lost primary
   * never waits behind other clusters' reconciles.
   */
  failoverConcurrency: number;
  /** Restores, final backups and the status's last backup. */
  backups: ControllerBackups;
  /** The volume pools of every node, which placement carves volumes from. */
  pools: VolumePools;
  /** When volume protection locks and unlocks writes (percent full). */
  volumeWatermarks: { high: number; low: number };
  /** What the platform offers, e.g. each engine's parameter definitions. */
  offerings: Offerings;
  /** Where operations (long work such as cloning a replica) are recorded. */
  operations: OperationStore;
}

/** What the controller needs of backups. */
export interface ControllerBackups {
  store: BackupStore;
  lifecycle: LifecycleStore;
  planner: RestorePlanner;
  finalBackup: FinalBackup;
  archiver: LogArchiver;
}

/**
 * The lifecycle controller: keeps every cluster at its declared state.
 * Reconciles are triggered by API writes ({@link ClusterController.enqueue}),
 * runtime events and a periodic resync; at most one runs per cluster, and
 * only on the backend that holds the leadership lease.
 */
export class ClusterController {
  readonly #options: ClusterControllerOptions;
  readonly #queue: WorkQueue;
  /** The failover lane: see {@link ClusterController.#failOver}. */
  readonly #failovers: WorkQueue;
  /** One pass per cluster at a time, whichever lane it comes from. */
  readonly #locks = new KeyedMutex();
  /** Failovers the lane did, for the status the next reconcile writes. */
  readonly #laneFailovers = new Map<string, FailoverRecord>();
  readonly #backoff = new RetryBackoff();
  /** See `ClusterScope.retiredNames`. */
  readonly #retiredNames = new Map<string, Set<string>>();
  readonly #statusDeps: StatusStores;
  /** See `ReconcileContext.servedCertificates`. */
  readonly #servedCertificates = new Map<string, string>();
  #unsubscribe?: () => void;
  readonly #abort = new AbortController();
  readonly #monitor: PrimaryMonitor;
  readonly #operations: OperationRunner;

  static create(options: ClusterControllerOptions): ClusterController {
    return new ClusterController(options);
  }

  private constructor(options: ClusterControllerOptions) {
    this.#options = options;
    this.#statusDeps = {
      clusters: options.clusters,
      instances: options.instances,
      backups: options.backups.store,
    };
    this.#queue = new WorkQueue({
      concurrency: options.concurrency,
      logger: options.logger,
      handler: uid => this.#reconcile(uid),
    });
    this.#operations = new OperationRunner({
      store: options.operations,
      logger: options.logger,
      onFinished: uid => this.enqueue(uid),
    });
    this.#failovers = new WorkQueue({
      concurrency: options.failoverConcurrency,
      logger: options.logger,
      handler: uid => this.#failOver(uid),
    });
    this.#monitor = new PrimaryMonitor({
      settings: options.ha,
      onLost: uid => this.#failovers.add(uid),
    });
  }

  /** Subscribes to runtime events and schedules the resync. */
  async start(): Promise<void> {
    const { runtime, scheduler, resyncIntervalMs } = this.#options;
    this.#unsubscribe = runtime.subscribe(event => {
      if (event.type === 'instance-warning') {
        void this.#recordWarning(event);
        return;
      }
      const { uid } = event.cluster;
      this.#monitor.noticeExit(
        uid,
        event.instance,
        event.timestamp,
        event.message,
      );
      if (this.#monitor.isWatchedPrimary(uid, event.instance)) {
        this.#failovers.add(uid);
      }
      this.#enqueueUnlessBackingOff(uid);
    });
    // Take over what the previous backend left at once, not a resync later.
    await this.resync();
    await scheduler.scheduleTask({
      id: 'basalt-controller-resync',
      frequency: { milliseconds: resyncIntervalMs },
      timeout: { milliseconds: Math.max(resyncIntervalMs * 3, 30_000) },
      // Every backend runs it: the lease decides which one acts.
      scope: 'local',
      signal: this.#abort.signal,
      fn: () => this.resync(),
    });
  }

  /**
   * Puts a platform's warning about an instance into its cluster's events.
   * Only the leader records it: every backend watches the same platform.
   */
  async #recordWarning(event: InstanceWarningEvent): Promise<void> {
    const { lease, events, logger } = this.#options;
    if (!lease.isHeld()) return;
    const { namespace, name, uid } = event.cluster;
    await events
      .record({
        clusterUid: uid,
        cluster: clusterRefOf({ metadata: { namespace, name } }),
        type: 'Warning',
        reason: event.reason,
        message: `${event.instance}: ${event.message}`,
      })
      .catch(error =>
        logger.warn(`Could not record the ${event.reason} warning`, error),
      );
  }

  /** Renews leadership and queues every cluster. */
  async resync(): Promise<void> {
    if (!(await this.#options.lease.tryAcquire())) {
      // Another backend leads: what runs here must stop.
      await this.#operations.abortAll(0);
      return;
    }
    await this.#operations.interruptStale();
    for (const uid of await this.#options.clusters.listUids()) {
      this.#enqueueUnlessBackingOff(uid);
    }
  }

  /**
   * Queues a cluster, unless it is backing off after failed passes: its
   * retry is already timed, and its own failing instances' exits (or the
   * resync) must not turn the backoff into a retry every few seconds. An
   * apply or any other request still queues it at once.
   */
  #enqueueUnlessBackingOff(uid: string): void {
    if (!this.#backoff.isBackingOff(uid)) this.enqueue(uid);
  }

  /** Queues one cluster for reconciliation. */
  enqueue(uid: string): void {
    this.#queue.add(uid);
  }

  /**
   * Stops reconciling and gives up leadership; engines keep running. A
   * reconcile still running after {@link STOP_GRACE_MS} (a step waiting on
   * an engine) is left behind; leadership is then left to expire rather
   * than released, so no other backend acts on that cluster meanwhile.
   */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#unsubscribe?.();
    await this.#monitor.stop();
    const [running, failingOver] = await Promise.all([
      this.#queue.stop(STOP_GRACE_MS),
      this.#failovers.stop(STOP_GRACE_MS),
    ]);
    running.push(...failingOver);
    await this.#operations.abortAll(STOP_GRACE_MS);
    if (running.length) {
      this.#options.logger.warn(
        `Stopped with ${running.length} reconcile(s) still running; leadership expires rather than being released`,
      );
      return;
    }
    await this.#options.lease.release();
  }

  /**
   * The failover lane: when a watched primary is lost (its process ended,
   * or the monitor's probes failed), fails over at once on slots of its
   * own, whatever else the reconcile queue is busy with. It waits only for
   * a pass of the same cluster; the reconcile queued after it brings the
   * rest (the former primary's return, the status) in line.
   */
  async #failOver(uid: string): Promise<WorkResult> {
    if (!this.#options.lease.isHeld()) return {};
    try {
      await this.#locks.run(uid, async () => {
        const stored = await this.#options.clusters.findByUid(uid);
        if (!stored || stored.cluster.metadata.deletionTimestamp) return;
        const driver = driverFor(this.#options.drivers, stored.cluster);
        if ('failure' in driver) return;
        const ctx = this.#contextOf(await this.#scope(stored), driver.driver);
        const { credentials } = await ensureCredentials(ctx);
        const failover = await ensureFailover(
          ctx,
          engineContextOf(ctx, credentials),
          await ctx.runtime.listInstances(ctx.key),
        );
        if (failover) this.#laneFailovers.set(uid, failover);
      });
    } finally {
      this.enqueue(uid);
    }
    return {};
  }

  #reconcile(uid: string): Promise<WorkResult> {
    return this.#locks.run(uid, () => this.#reconcileNow(uid));
  }

  async #reconcileNow(uid: string): Promise<WorkResult> {
    const { lease } = this.#options;
    // Whoever holds the lease acts; the others leave the work to it.
    if (!lease.isHeld() && !(await lease.tryAcquire())) return {};
    const stored = await this.#options.clusters.findByUid(uid);
    if (!stored) return {};
    const { cluster } = stored;
    const { generation, deletionTimestamp } = cluster.metadata;
    if (!deletionTimestamp && this.#backoff.waitsForNewSpec(uid, generation)) {
      return {};
    }
    const scope = await this.#scope(stored);

    if (cluster.metadata.deletionTimestamp) {
      return this.#delete(stored, scope);
    }
    const failedRestore = restoreFailedForGood(stored);
    if (failedRestore) {
      // Never retried: an empty cluster must not take a failed restore's place.
      await writeStatus(this.#statusDeps, scope, failedRestore);
      return {};
    }
    const driver = driverFor(this.#options.drivers, cluster);
    if ('failure' in driver) {
      await writeStatus(this.#statusDeps, scope, {
        observed: [],
        endpoints: {},
        failure: driver.failure,
      });
      return {};
    }
    const ctx = this.#contextOf(scope, driver.driver);
    const { observation, settled, engine } = await reconcileCluster(ctx);
    const laneFailover = this.#laneFailovers.get(uid);
    if (laneFailover) {
      this.#laneFailovers.delete(uid);
      observation.lastFailover ??= laneFailover;
    }
    // Kept on the status for as long as the cluster lives.
    observation.restore ??= restoreDone(stored);
    watchPrimary(this.#monitor, this.#options.runtime, {
      ctx,
      observation,
      engine,
    });
    await writeStatus(this.#statusDeps, scope, observation);
    if (!stored.lifecycle.heldDataAt && hasReadyPrimary(observation)) {
      await this.#options.backups.lifecycle.markHeldData(
        uid,
        new Date().toISOString(),
      );
    }
    return this.#backoff.next(uid, {
      failed: !!observation.failure,
      needsNewSpec:
        observation.failure?.reason === ClusterReasons.ConfigurationRejected,
      settled,
      generation,
    });
  }

  /**
   * A reconcile's context: the scope itself, so that steps recording a new
   * primary update it for the steps after them.
   */
  #contextOf(scope: ClusterScope, driver: EngineDriver): ReconcileContext {
    const { offerings } = this.#options;
    const { spec } = scope.cluster;
    return Object.assign(scope, {
      driver,
      parameterDefinitions:
        offerings.engines.find(e => e.engine === spec.engine)?.parameters ??
        driver.parameters,
      network: networkPolicyOf(offerings.profiles, spec),
      servedCertificates: this.#servedCertificates,
    });
  }

  /** Deletes the cluster as its termination policy says. */
  async #delete(
    stored: StoredCluster,
    scope: ClusterScope,
  ): Promise<WorkResult> {
    const { uid } = stored.cluster.metadata;
    // Nothing may go on working on what the deletion removes.
    await this.#operations.cancel(uid, [
      'create-instance',
      'restore',
      'restart',
    ]);
    const outcome = await deleteCluster(stored, scope, {
      backups: this.#options.backups,
      clusters: this.#options.clusters,
      report: async (message, operations) => {
        await this.#options.clusters.updateStatus(
          uid,
          deletingStatus(
            stored.cluster,
            message,
            new Date().toISOString(),
            operations,
          ),
        );
      },
      beforeRemoval: () => this.#monitor.unwatch(uid),
    });
    if (outcome === 'deleted') {
      await this.#options.operations.removeForCluster(uid);
      this.#retiredNames.delete(uid);
      this.#backoff.forget(uid);
    }
    for (const key of this.#servedCertificates.keys()) {
      if (key.startsWith(`${uid}/`)) this.#servedCertificates.delete(key);
    }
    // A refused deletion is reconciled at once, to show why on the status;
    // one waiting for its final backup is queued when that ends.
    return outcome === 'blocked' ? { requeueAfterMs: 0 } : {};
  }

  #scope(stored: StoredCluster): Promise<ClusterScope> {
    return clusterScope(stored, {
      ...this.#options,
      monitor: this.#monitor,
      operations: this.#operations,
      operationStore: this.#options.operations,
      retiredNames: uid => {
        const names = this.#retiredNames.get(uid) ?? new Set<string>();
        this.#retiredNames.set(uid, names);
        return names;
      },
    });
  }
}

/** Whether a primary answered ready in this pass: the cluster holds data. */
function hasReadyPrimary(observation: Observation): boolean {
  return observation.observed.some(
    o => o.probe.ready && o.probe.role === 'primary',
  );
}
