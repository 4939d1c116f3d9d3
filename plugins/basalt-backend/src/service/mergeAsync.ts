/**
 * Merges async iterables into one that yields each value as soon as its
 * source has it, and ends when every source has ended. The first error of
 * any source ends it with that error.
 *
 * Sources still waiting when the merged iterable is left are asked to
 * return, but not awaited: a source blocked on a read cannot return before
 * that read settles, so callers end their sources through their own abort
 * signal.
 */
export async function* mergeAsync<T>(
  sources: AsyncIterable<T>[],
): AsyncGenerator<T> {
  const iterators = sources.map(source => source[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<[number, IteratorResult<T>]>>();
  const pull = (index: number) =>
    pending.set(
      index,
      iterators[index].next().then(result => [index, result]),
    );
  iterators.forEach((_, index) => pull(index));
  try {
    while (pending.size > 0) {
      const [index, result] = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
      } else {
        pull(index);
        yield result.value;
      }
    }
  } finally {
    for (const index of pending.keys()) {
      // Waits behind the pending next(); errors then are of no interest.
      iterators[index].return?.().catch(() => {});
    }
  }
}
