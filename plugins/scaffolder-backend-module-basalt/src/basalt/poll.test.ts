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
    let lastLookAt = 0;
    const started = Date.now();
    const error = await poll(
      async () => {
        lastLookAt = Date.now();
        return waiting(`look ${++looks}`);
      },
      { timeoutMs: 120, intervalMs: 50, timedOut },
    ).catch((e: Error) => e);
    // How many looks fit depends on the machine; the message is the last's.
    expect(error).toEqual(new Error(`timed out: look ${looks}`));
    expect(looks).toBeGreaterThanOrEqual(2);
    expect(lastLookAt - started).toBeGreaterThanOrEqual(120);
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
    // Far sooner than the 30 s pause, with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
