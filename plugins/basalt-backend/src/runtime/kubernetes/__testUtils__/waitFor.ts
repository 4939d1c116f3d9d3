/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Gives up after this long; 30 s unless told. */
  timeoutMs?: number;
  /** How often to ask; 100 ms unless told. */
  intervalMs?: number;
  /** Says what was awaited, in the error thrown on timeout. */
  message?: string;
}

/**
 * Polls `predicate` until it returns something truthy, and resolves to that.
 * Errors thrown by the predicate count as "not yet" (an object that does not
 * exist yet is the usual case) and the last one is quoted on timeout.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 30_000, intervalMs = 100, message } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) {
        return value as NonNullable<T>;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError ? ` (last error: ${String(lastError)})` : '';
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${
          message ?? 'a condition'
        }${why}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}
