import { WorkResult } from './WorkQueue';

const FAILED_FIRST_MS = 1000;
const FAILED_MAX_MS = 30_000;
// A cluster that is not there yet (instances starting) is looked at again
// soon, then less and less often.
const UNSETTLED_FIRST_MS = 100;
const UNSETTLED_MAX_MS = 5000;

/** How a pass ended, as far as coming back to the cluster goes. */
export interface PassOutcome {
  failed: boolean;
  /** Failed in a way only a new spec can fix (the engine refuses it). */
  needsNewSpec: boolean;
  settled: boolean;
  /** The generation of the spec the pass worked on. */
  generation: number;
}

/**
 * When each cluster is looked at again after a pass: a failing one with
 * exponential backoff (1 s to 30 s), one still on its way (instances being
 * created, a restart under way) soon and then less often (0.1 s to 5 s),
 * a settled one only when something triggers it, and one whose spec the
 * engine refuses not until the spec changes.
 */
export class RetryBackoff {
  readonly #failures = new Map<string, number>();
  readonly #unsettled = new Map<string, number>();
  /** Clusters waiting for a new spec, with the generation that failed. */
  readonly #waitingForSpec = new Map<string, number>();

  /** When to come back after a pass that failed, or did not settle. */
  next(uid: string, outcome: PassOutcome): WorkResult {
    const { failed, settled } = outcome;
    if (outcome.needsNewSpec) {
      // The same spec would fail the same way: no retry, no backoff.
      this.forget(uid);
      this.#waitingForSpec.set(uid, outcome.generation);
      return {};
    }
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

  /**
   * Whether a pass over this generation of the cluster's spec would only
   * fail again as the last one did.
   */
  waitsForNewSpec(uid: string, generation: number): boolean {
    return this.#waitingForSpec.get(uid) === generation;
  }

  /** Forgets the cluster, e.g. once it is deleted. */
  forget(uid: string): void {
    this.#failures.delete(uid);
    this.#unsettled.delete(uid);
    this.#waitingForSpec.delete(uid);
  }

  /** Whether the cluster's last passes failed: its retry is timed. */
  isBackingOff(uid: string): boolean {
    return this.#failures.has(uid);
  }
}
