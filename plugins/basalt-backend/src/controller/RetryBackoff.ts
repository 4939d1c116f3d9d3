import { WorkResult } from './WorkQueue';

const FAILED_FIRST_MS = 1000;
const FAILED_MAX_MS = 30_000;
// A cluster that is not there yet (instances starting) is looked at again
// soon, then less and less often.
const UNSETTLED_FIRST_MS = 100;
const UNSETTLED_MAX_MS = 5000;

/**
 * When each cluster is looked at again after a pass: a failing one with
 * exponential backoff (1 s to 30 s), one still on its way (instances being
 * created, a restart under way) soon and then less often (0.1 s to 5 s),
 * a settled one only when something triggers it.
 */
export class RetryBackoff {
  readonly #failures = new Map<string, number>();
  readonly #unsettled = new Map<string, number>();

  /** When to come back after a pass that failed, or did not settle. */
  next(uid: string, failed: boolean, settled: boolean): WorkResult {
    if (settled) {
      this.#failures.delete(uid);
      this.#unsettled.delete(uid);
      return {};
    }
    // A pass without a failure ends the backoff.
    if (!failed) this.#failures.delete(uid);
    const [counts, first, max] = failed
      ? [this.#failures, FAILED_FIRST_MS, FAILED_MAX_MS]
      : [this.#unsettled, UNSETTLED_FIRST_MS, UNSETTLED_MAX_MS];
    const attempts = (counts.get(uid) ?? 0) + 1;
    counts.set(uid, attempts);
    return { requeueAfterMs: Math.min(first * 2 ** (attempts - 1), max) };
  }

  /** Whether the cluster's last passes failed: its retry is timed. */
  isBackingOff(uid: string): boolean {
    return this.#failures.has(uid);
  }
}
