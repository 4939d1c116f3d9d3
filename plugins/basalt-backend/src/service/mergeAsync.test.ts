import { mergeAsync } from './mergeAsync';

async function* delayed<T>(values: T[], ms: number): AsyncGenerator<T> {
  for (const value of values) {
    await new Promise(resolve => setTimeout(resolve, ms));
    yield value;
  }
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of source) values.push(value);
  return values;
}

describe('mergeAsync', () => {
  it('yields values as their sources have them, until all have ended', async () => {
    const merged = await collect(
      mergeAsync([delayed(['a1', 'a2'], 30), delayed(['b1', 'b2', 'b3'], 8)]),
    );
    expect(merged).toHaveLength(5);
    expect(merged.filter(v => v.startsWith('a'))).toEqual(['a1', 'a2']);
    expect(merged.filter(v => v.startsWith('b'))).toEqual(['b1', 'b2', 'b3']);
    expect(merged[0]).toBe('b1'); // the faster source first
    expect(await collect(mergeAsync([]))).toEqual([]);
  });

  it('ends with the first error of any source', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield 'before';
      throw new Error('source failed');
    }
    await expect(
      collect(mergeAsync([failing(), delayed(['slow'], 100)])),
    ).rejects.toThrow('source failed');
  });

  it('asks the sources to return when left early', async () => {
    const returned: string[] = [];
    async function* tracked(name: string): AsyncGenerator<string> {
      try {
        for (;;) yield name;
      } finally {
        returned.push(name);
      }
    }
    for await (const value of mergeAsync([tracked('x'), tracked('y')])) {
      expect(value).toMatch(/^[xy]$/);
      break;
    }
    await new Promise(resolve => setTimeout(resolve, 10));
    expect(returned.sort()).toEqual(['x', 'y']);
  });
});
