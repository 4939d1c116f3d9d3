import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import {
  ClusterReasons,
  ClusterResource,
  clusterRefOf,
} from '@basalt/plugin-basalt-common';
import { EngineDriver, Runtime } from '@basalt/plugin-basalt-node';
import { ClusterStore, EventStore, InstanceStore } from '../store';
import { computeStatus, Observation } from './computeStatus';
import { conditionStatus } from './conditions';
import { Lease } from './Lease';
import { ClusterScope } from './ReconcileContext';
import { reconcileCluster } from './reconcileCluster';
import { ensureDeleted } from './steps/ensureDeleted';
import { WorkQueue, WorkResult } from './WorkQueue';

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
}

const MAX_BACKOFF_MS = 30_000;
// A cluster that is not there yet (instances starting) is looked at again
// soon, then less and less often.
const UNSETTLED_FIRST_MS = 100;
const UNSETTLED_MAX_MS = 5000;

/**
 * The lifecycle controller: keeps every cluster at its declared state.
 * Reconciles are triggered by API writes ({@link ClusterController.enqueue}),
 * runtime events and a periodic resync; at most one runs per cluster, and
 * only on the backend that holds the leadership lease.
 */
export class ClusterController {
  readonly #options: ClusterControllerOptions;
  readonly #queue: WorkQueue;
  readonly #failures = new Map<string, number>();
  readonly #unsettled = new Map<string, number>();
  #unsubscribe?: () => void;
  readonly #abort = new AbortController();

  static create(options: ClusterControllerOptions): ClusterController {
    return new ClusterController(options);
  }

  private constructor(options: ClusterControllerOptions) {
    this.#options = options;
    this.#queue = new WorkQueue({
      concurrency: options.concurrency,
      logger: options.logger,
      handler: uid => this.#reconcile(uid),
    });
  }

  /** Subscribes to runtime events and schedules the resync. */
  async start(): Promise<void> {
    const { runtime, scheduler, resyncIntervalMs } = this.#options;
    this.#unsubscribe = runtime.subscribe(event =>
      this.enqueue(event.cluster.uid),
    );
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

  /** Renews leadership and queues every cluster. */
  async resync(): Promise<void> {
    if (!(await this.#options.lease.tryAcquire())) return;
    for (const uid of await this.#options.clusters.listUids()) {
      this.enqueue(uid);
    }
  }

  /** Queues one cluster for reconciliation. */
  enqueue(uid: string): void {
    this.#queue.add(uid);
  }

  /** Stops reconciling and gives up leadership; engines keep running. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#unsubscribe?.();
    await this.#queue.stop();
    await this.#options.lease.release();
  }

  async #reconcile(uid: string): Promise<WorkResult> {
    const { lease } = this.#options;
    // Whoever holds the lease acts; the others leave the work to it.
    if (!lease.isHeld() && !(await lease.tryAcquire())) return {};
    const stored = await this.#options.clusters.getByUid(uid);
    if (!stored) return {};
    const { cluster } = stored;
    const scope = await this.#scope(cluster, stored.restartRequestedAt);

    if (cluster.metadata.deletionTimestamp) {
      await ensureDeleted(scope);
      await this.#options.clusters.remove(uid);
      await scope.recordEvent(
        'Normal',
        'Deleted',
        `Deleted EngineCluster ${clusterRefOf(cluster)}`,
      );
      scope.logger.info(`Deleted EngineCluster ${clusterRefOf(cluster)}`);
      return {};
    }
    const driver = this.#driverFor(cluster);
    if ('failure' in driver) {
      await this.#writeStatus(scope, {
        observed: [],
        endpoints: {},
        failure: driver.failure,
      });
      return {};
    }
    const { observation, settled } = await reconcileCluster({
      ...scope,
      driver: driver.driver,
    });
    await this.#writeStatus(scope, observation);
    return this.#next(uid, observation, settled);
  }

  async #scope(
    cluster: ClusterResource,
    restartRequestedAt?: string,
  ): Promise<ClusterScope> {
    const { runtime, logger, events, instances } = this.#options;
    const ref = clusterRefOf(cluster);
    return {
      cluster,
      key: {
        namespace: cluster.metadata.namespace,
        name: cluster.metadata.name,
        uid: cluster.metadata.uid,
      },
      runtime,
      logger: logger.child({ cluster: ref }),
      recordEvent: (type, reason, message) =>
        events.record({
          clusterUid: cluster.metadata.uid,
          cluster: ref,
          type,
          reason,
          message,
        }),
      nodeLoad: await instances.countByNode(),
      restartRequestedAt,
    };
  }

  /** The cluster's driver, or why its engine cannot run here. */
  #driverFor(
    cluster: ClusterResource,
  ):
    | { driver: EngineDriver }
    | { failure: NonNullable<Observation['failure']> } {
    const { drivers } = this.#options;
    const { engine, version } = cluster.spec;
    const driver = drivers.get(engine);
    if (!driver) {
      return {
        failure: {
          reason: ClusterReasons.EngineUnavailable,
          message: `No driver for engine ${engine} is installed; installed: ${
            [...drivers.keys()].join(', ') || 'none'
          }`,
        },
      };
    }
    if (!driver.versions.includes(version)) {
      return {
        failure: {
          reason: ClusterReasons.EngineVersionUnsupported,
          message: `${engine} ${version} is not supported; supported versions: ${driver.versions.join(
            ', ',
          )}`,
        },
      };
    }
    return { driver };
  }

  async #writeStatus(
    scope: ClusterScope,
    observation: Observation,
  ): Promise<void> {
    const { cluster } = scope;
    const status = computeStatus(
      cluster,
      observation,
      new Date().toISOString(),
    );
    if (
      !(await this.#options.clusters.updateStatus(cluster.metadata.uid, status))
    ) {
      return; // nothing new: write nothing
    }
    await this.#options.instances.replace(
      cluster.metadata.uid,
      status.instances,
    );
    const wasReady = conditionStatus(cluster.status?.conditions, 'Ready');
    const isReady = conditionStatus(status.conditions, 'Ready');
    if (isReady === 'True' && wasReady !== 'True') {
      const message = status.conditions.find(c => c.type === 'Ready')!.message;
      await scope.recordEvent(
        'Normal',
        'Ready',
        `Cluster is ready: ${message}`,
      );
      scope.logger.info(`Cluster is ready: ${message}`);
    }
    // One Warning per distinct problem (a failure, or instances that stop
    // answering): the same problem found again, even with other details
    // such as temporary file names, is not news.
    const wasDegraded = cluster.status?.conditions.find(
      c => c.type === 'Degraded' && c.status === 'True',
    );
    const degraded = status.conditions.find(
      c => c.type === 'Degraded' && c.status === 'True',
    );
    if (degraded && degraded.reason !== wasDegraded?.reason) {
      await scope.recordEvent('Warning', degraded.reason, degraded.message);
      scope.logger.warn(degraded.message);
    }
  }

  #next(uid: string, observation: Observation, settled: boolean): WorkResult {
    if (settled) {
      this.#failures.delete(uid);
      this.#unsettled.delete(uid);
      return {};
    }
    const [counts, first, max] = observation.failure
      ? [this.#failures, 1000, MAX_BACKOFF_MS]
      : [this.#unsettled, UNSETTLED_FIRST_MS, UNSETTLED_MAX_MS];
    const attempts = (counts.get(uid) ?? 0) + 1;
    counts.set(uid, attempts);
    return { requeueAfterMs: Math.min(first * 2 ** (attempts - 1), max) };
  }
}
