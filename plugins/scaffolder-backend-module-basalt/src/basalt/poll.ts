/**
 * What one look at something that takes a while found: done, with the value
 * the caller waits for, or not yet, with what it shows now in plain words
 * (for the message if the wait times out).
 */
export type Look<T> =
  | { done: true; value: T }
  | { done: false; waiting: string };

/** A look that found it done. */
export const done = <T>(value: T): Look<T> => ({ done: true, value });

/** A look that found it not done yet, and what it shows instead. */
export const waiting = (description: string): Look<never> => ({
  done: false,
  waiting: description,
});

/** How {@link poll} waits. */
export interface PollOptions {
  /** How long to keep looking, in ms. */
  timeoutMs: number;
  /** The pause between two looks, in ms. */
  intervalMs: number;
  /** The task's signal: once aborted, the wait ends as if it timed out. */
  signal?: AbortSignal;
  /**
   * The error the wait fails with when the timeout passes (or the task is
   * cancelled), given what the last look showed.
   */
  timedOut: (waiting: string) => Error;
}

/**
 * Looks until `look` finds it done, and returns the value found. `look`
 * throws to end the wait early with that error, e.g. when a backup failed
 * or a request was refused. Looks at least once, and once more at the
 * deadline, so a wait that ends in time is never reported as timed out.
 */
export async function poll<T>(
  look: () => Promise<Look<T>>,
  options: PollOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const seen = await look();
    if (seen.done) return seen.value;
    const left = deadline - Date.now();
    if (left < 0 || options.signal?.aborted) {
      throw options.timedOut(seen.waiting);
    }
    await pause(Math.min(options.intervalMs, left), options.signal);
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const end = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', end);
      resolve();
    };
    timer = setTimeout(end, ms);
    signal?.addEventListener('abort', end, { once: true });
  });
}
