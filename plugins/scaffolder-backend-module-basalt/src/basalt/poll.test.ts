import { done, poll, waiting } from './poll';

const timedOut = (description: string) =>
  new Error(`timed out: ${description}`);

describe('poll', () => {
  it('looks until done and returns the value found', async () => {
    let looks = 0;
    const value = await poll(
      async () => (++looks < 3 ? waiting(`look ${looks}`) : done('ready')),
      { timeoutMs: 5_000, intervalMs: 1, timedOut },
    );
    expect(value).toBe('ready');
    expect(looks).toBe(3);
  });

  it('ends the wait with what a look throws', async () => {
    await expect(
      poll(
        async () => {
          throw new Error('backup failed: disk full');
        },
        { timeoutMs: 5_000, intervalMs: 1, timedOut },
      ),
    ).rejects.toThrow('backup failed: disk full');
  });

  it('times out with what the last look showed, after a last look at the deadline', async () => {
    let looks = 0;
    const started = Date.now();
    await expect(
      poll(async () => waiting(`look ${++looks}`), {
        timeoutMs: 120,
        intervalMs: 50,
        timedOut,
      }),
    ).rejects.toThrow(/^timed out: look [3-5]$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stops at once when the task is cancelled, not after the pause', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waited = poll(async () => waiting('still running'), {
      timeoutMs: 60_000,
      intervalMs: 30_000,
      signal: controller.signal,
      timedOut,
    });
    setTimeout(() => controller.abort(), 20);
    await expect(waited).rejects.toThrow('timed out: still running');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
