import { LoggerService } from '@backstage/backend-plugin-api';

/** What a handler asks of the queue after it ran. */
export interface WorkResult {
  /** Run the key again after this many milliseconds. */
  requeueAfterMs?: number;
}

/**
 * A keyed work queue: at most one handler runs per key at a time, a key
 * added while it runs is run once more afterwards (never concurrently), and
 * keys added many times before they run are run once.
 */
export class WorkQueue {
  readonly #handler: (key: string) => Promise<WorkResult>;
  readonly #concurrency: number;
  readonly #logger: LoggerService;
  readonly #queued: string[] = [];
  readonly #queuedSet = new Set<string>();
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #dirty = new Set<string>();
  readonly #timers = new Map<
    string,
    { timer: NodeJS.Timeout; dueAt: number }
  >();
  #stopped = false;

  constructor(options: {
    handler: (key: string) => Promise<WorkResult>;
    concurrency: number;
    logger: LoggerService;
  }) {
    this.#handler = options.handler;
    this.#concurrency = options.concurrency;
    this.#logger = options.logger;
  }

  /**
   * Queues `key`, now or after `delayMs`. Of two pending delays the sooner
   * wins: a requeue asked for sooner is never held back by a later one.
   */
  add(key: string, delayMs = 0): void {
    if (this.#stopped) return;
    if (delayMs > 0) {
      const dueAt = Date.now() + delayMs;
      const pending = this.#timers.get(key);
      if (pending && pending.dueAt <= dueAt) return;
      if (pending) clearTimeout(pending.timer);
      const timer = setTimeout(() => {
        this.#timers.delete(key);
        this.add(key);
      }, delayMs);
      timer.unref();
      this.#timers.set(key, { timer, dueAt });
      return;
    }
    const pending = this.#timers.get(key);
    if (pending) {
      // Run now: the delayed run would only repeat it.
      clearTimeout(pending.timer);
      this.#timers.delete(key);
    }
    if (this.#inFlight.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (!this.#queuedSet.has(key)) {
      this.#queuedSet.add(key);
      this.#queued.push(key);
    }
    this.#drain();
  }

  /** Resolves when nothing is queued or running (timers aside). */
  async idle(): Promise<void> {
    while (this.#inFlight.size || this.#queued.length) {
      await Promise.all(this.#inFlight.values());
    }
  }

  /**
   * Stops taking work and waits for what runs to finish, for at most
   * `graceMs` when given. Resolves with the keys still running then (none
   * when everything finished).
   */
  async stop(graceMs?: number): Promise<string[]> {
    this.#stopped = true;
    this.#timers.forEach(({ timer }) => clearTimeout(timer));
    this.#timers.clear();
    this.#queued.length = 0;
    this.#queuedSet.clear();
    const finished = Promise.all(this.#inFlight.values());
    if (graceMs === undefined) {
      await finished;
      return [];
    }
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>(resolve => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([finished, graceOver]);
    clearTimeout(timer);
    return [...this.#inFlight.keys()];
  }

  #drain(): void {
    while (this.#inFlight.size < this.#concurrency && this.#queued.length) {
      const key = this.#queued.shift()!;
      this.#queuedSet.delete(key);
      this.#inFlight.set(key, this.#run(key));
    }
  }

  async #run(key: string): Promise<void> {
    let result: WorkResult = {};
    try {
      result = await this.#handler(key);
    } catch (error) {
      // Handlers report failures as conditions; this is a last resort.
      this.#logger.error(`Work on ${key} failed unexpectedly`, error as Error);
      result = { requeueAfterMs: 5000 };
    } finally {
      this.#inFlight.delete(key);
    }
    if (this.#dirty.delete(key)) {
      this.add(key);
    } else if (result.requeueAfterMs !== undefined) {
      this.add(key, result.requeueAfterMs);
    }
    this.#drain();
  }
}
