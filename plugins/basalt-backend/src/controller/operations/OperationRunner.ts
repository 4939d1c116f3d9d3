import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterOperationKind } from '@basalt/plugin-basalt-common';
import { NewOperation, OperationStore, StoredOperation } from '../../store';
import { reasonOf } from '../errors';

/** What an operation's work is given. */
export interface OperationControl {
  /** Fired when the work became pointless: stop, and undo what was begun. */
  signal: AbortSignal;
  /** Says what the work does now; kept with the heartbeat. */
  report(progress: string): void;
}

/** What starting an operation takes: its record, less what the runner sets. */
export type OperationRequest = Omit<NewOperation, 'id' | 'startedAt'>;

/** An operation that failed, with the error its work threw. */
export interface FailedOperation {
  operation: StoredOperation;
  error: unknown;
}

interface Running {
  operation: StoredOperation;
  abort: AbortController;
  done: Promise<void>;
}

const DEFAULT_HEARTBEAT_MS = 2000;

/**
 * Runs operations: long work on a cluster started by a reconcile pass,
 * which returns at once; later passes see it running in the store and use
 * what it left when it ends. Each operation is recorded Running with a
 * heartbeat and ends Succeeded, Failed (with the condition reason of its
 * error) or Cancelled; when it ends its cluster is queued again. Work is
 * aborted on request (e.g. the cluster is deleted), when the backend stops
 * and when it loses the leadership. One whose backend died is marked
 * Interrupted by the next leader ({@link OperationRunner.interruptStale}).
 */
export class OperationRunner {
  readonly #running = new Map<string, Running>();
  /** Failures not yet reported on their cluster's status, by cluster uid. */
  readonly #failures = new Map<string, FailedOperation[]>();
  readonly #heartbeatMs: number;

  constructor(
    private readonly deps: {
      store: OperationStore;
      logger: LoggerService;
      /** Called when an operation of the cluster ended. */
      onFinished: (clusterUid: string) => void;
      heartbeatMs?: number;
    },
  ) {
    this.#heartbeatMs = deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  }

  /** How old a heartbeat must be for its operation to count as dead. */
  get staleAfterMs(): number {
    return this.#heartbeatMs * 5;
  }

  /**
   * Records the operation as Running, starts `work` and answers with the
   * record at once, not waiting for the work.
   */
  async start(
    request: OperationRequest,
    work: (control: OperationControl) => Promise<void>,
  ): Promise<StoredOperation> {
    const operation = await this.deps.store.start({
      ...request,
      id: randomUUID(),
      startedAt: new Date().toISOString(),
    } satisfies NewOperation);
    const abort = new AbortController();
    const running: Running = {
      operation,
      abort,
      done: this.#run(operation, abort.signal, work).catch(error =>
        // Only the store failing to record the end gets here.
        this.deps.logger.error(
          `Could not record the end of operation ${operation.id}`,
          error,
        ),
      ),
    };
    this.#running.set(operation.id, running);
    return operation;
  }

  /** The cluster's operations running in this backend. */
  runningHere(clusterUid: string): StoredOperation[] {
    return [...this.#running.values()]
      .map(r => r.operation)
      .filter(o => o.clusterUid === clusterUid);
  }

  /**
   * The cluster's operations that failed since the last call: each is
   * handed out once, for a pass to report and retry with backoff.
   */
  takeFailures(
    clusterUid: string,
    kind: ClusterOperationKind,
  ): FailedOperation[] {
    const failures = this.#failures.get(clusterUid) ?? [];
    const taken = failures.filter(f => f.operation.kind === kind);
    const kept = failures.filter(f => f.operation.kind !== kind);
    if (kept.length) this.#failures.set(clusterUid, kept);
    else this.#failures.delete(clusterUid);
    return taken;
  }

  /**
   * Aborts one operation running here, without waiting for it: its
   * cluster is queued when it has ended. False when it is not running here
   * or was aborted already.
   */
  abort(id: string): boolean {
    const running = this.#running.get(id);
    if (!running || running.abort.signal.aborted) return false;
    running.abort.abort();
    return true;
  }

  /**
   * Aborts the cluster's operations (of `kinds`, when given) and waits
   * until each has ended.
   */
  async cancel(
    clusterUid: string,
    kinds?: ClusterOperationKind[],
  ): Promise<void> {
    const cancelled = (kind: ClusterOperationKind) =>
      !kinds || kinds.includes(kind);
    const mine = [...this.#running.values()].filter(
      r => r.operation.clusterUid === clusterUid && cancelled(r.operation.kind),
    );
    mine.forEach(r => r.abort.abort());
    await Promise.all(mine.map(r => r.done));
    // Their failures are moot; those of other kinds are still to report.
    const kept = (this.#failures.get(clusterUid) ?? []).filter(
      f => !cancelled(f.operation.kind),
    );
    if (kept.length) this.#failures.set(clusterUid, kept);
    else this.#failures.delete(clusterUid);
  }

  /**
   * Aborts every operation (the backend stops or lost the leadership) and
   * waits for them for at most `graceMs`; those still running then end
   * with the process, and a later leader fails them as stale.
   */
  async abortAll(graceMs: number): Promise<void> {
    const all = [...this.#running.values()];
    all.forEach(r => r.abort.abort());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(all.map(r => r.done)),
      new Promise<void>(resolve => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /**
   * Marks Interrupted the operations whose backend stopped (their
   * heartbeat is stale) and queues their clusters, whose next pass undoes
   * what each left and starts the work again.
   */
  async interruptStale(): Promise<StoredOperation[]> {
    const staleBefore = new Date(Date.now() - this.staleAfterMs);
    const stale = await this.deps.store.interruptStale(
      staleBefore.toISOString(),
    );
    for (const operation of stale) {
      this.deps.logger.warn(
        `Operation ${operation.kind} ${operation.target ?? ''} of cluster ${
          operation.clusterUid
        } was interrupted (its backend stopped); it is undone and started again`,
      );
      this.deps.onFinished(operation.clusterUid);
    }
    return stale;
  }

  async #run(
    operation: StoredOperation,
    signal: AbortSignal,
    work: (control: OperationControl) => Promise<void>,
  ): Promise<void> {
    const { store, logger } = this.deps;
    let progress: string | undefined;
    const heartbeat = setInterval(() => {
      store.heartbeat(operation.id, progress).catch(() => {});
    }, this.#heartbeatMs);
    heartbeat.unref();
    try {
      await work({
        signal,
        report: text => {
          progress = text;
        },
      });
      await store.finish(operation.id, {
        phase: signal.aborted ? 'Cancelled' : 'Succeeded',
      });
    } catch (error) {
      const message = (error as Error).message;
      if (signal.aborted) {
        await store.finish(operation.id, {
          phase: 'Cancelled',
          error: message,
        });
      } else {
        const reason = reasonOf(error);
        // Kept before the store says it ended: a pass that no longer sees
        // it running must find its failure.
        const failures = this.#failures.get(operation.clusterUid) ?? [];
        failures.push({
          operation: { ...operation, phase: 'Failed', reason, error: message },
          error,
        });
        this.#failures.set(operation.clusterUid, failures);
        await store.finish(operation.id, {
          phase: 'Failed',
          reason,
          error: message,
        });
      }
    } finally {
      clearInterval(heartbeat);
      this.#running.delete(operation.id);
    }
    logger.debug(`Operation ${operation.kind} ${operation.id} ended`);
    this.deps.onFinished(operation.clusterUid);
  }
}
