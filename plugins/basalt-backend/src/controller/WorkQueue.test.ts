import { mockServices } from '@backstage/backend-test-utils';
import { WorkQueue } from './WorkQueue';

const tick = (ms = 5) => new Promise<void>(resolve => setTimeout(resolve, ms));

/** Waits until `check` holds, however loaded the machine is. */
async function eventuallyTrue(check: () => boolean): Promise<void> {
  while (!check()) await tick();
}

function recordingQueue(
  handle: (key: string) => Promise<void> = () => tick(),
  concurrency = 4,
) {
  const running = new Set<string>();
  const runs: string[] = [];
  let overlap = false;
  const queue = new WorkQueue({
    concurrency,
    logger: mockServices.logger.mock(),
    handler: async key => {
      if (running.has(key)) overlap = true;
      running.add(key);
      runs.push(key);
      await handle(key);
      running.delete(key);
      return {};
    },
  });
  return { queue, runs, overlap: () => overlap };
}

describe('WorkQueue', () => {
  it('runs a key added many times before it starts once', async () => {
    const { queue, runs } = recordingQueue(() => tick(10), 1);
    queue.add('busy');
    queue.add('a');
    queue.add('a');
    queue.add('a');
    await queue.idle();
    expect(runs).toEqual(['busy', 'a']);
  });

  it('never runs one key twice at once, but runs it again when added while running', async () => {
    const { queue, runs, overlap } = recordingQueue(() => tick(20));
    queue.add('a');
    await tick(5);
    queue.add('a');
    queue.add('a');
    await queue.idle();
    expect(runs).toEqual(['a', 'a']);
    expect(overlap()).toBe(false);
  });

  it('requeues after the delay the handler asks for', async () => {
    const runs: number[] = [];
    let thirdRun = () => {};
    const ranThrice = new Promise<void>(resolve => (thirdRun = resolve));
    const queue = new WorkQueue({
      concurrency: 1,
      logger: mockServices.logger.mock(),
      handler: async () => {
        runs.push(performance.now());
        if (runs.length === 3) thirdRun();
        return { requeueAfterMs: runs.length < 3 ? 10 : undefined };
      },
    });
    queue.add('a');
    await ranThrice;
    // Timers never fire early (1 ms for the clock's rounding).
    expect(runs[1] - runs[0]).toBeGreaterThanOrEqual(9);
    expect(runs[2] - runs[1]).toBeGreaterThanOrEqual(9);
    // The third run asked for no requeue: there is no fourth.
    await tick(50);
    expect(runs).toHaveLength(3);
    await queue.stop();
  });

  it('lets a sooner requeue replace a later pending one', async () => {
    const { queue, runs } = recordingQueue(async () => {});
    queue.add('a', 60_000);
    queue.add('a', 20);
    // A later delay does not push the sooner one back.
    queue.add('a', 60_000);
    await eventuallyTrue(() => runs.length === 1);
    expect(runs).toEqual(['a']);
    await queue.stop();
  });

  it('runs a key added now at once, dropping its pending delayed run', async () => {
    const { queue, runs } = recordingQueue(async () => {});
    queue.add('a', 30);
    queue.add('a');
    await queue.idle();
    expect(runs).toEqual(['a']);
    // The delayed run was dropped: the key ran once, when it was added now.
    await tick(60);
    expect(runs).toEqual(['a']);
    await queue.stop();
  });

  it('stops waiting for work that outlives the grace, and names it', async () => {
    const { queue } = recordingQueue(key =>
      key === 'stuck' ? new Promise<void>(() => {}) : tick(5),
    );
    queue.add('stuck');
    queue.add('quick');
    await tick(1);
    // A grace long enough for 'quick' however loaded the machine is.
    await expect(queue.stop(1000)).resolves.toEqual(['stuck']);
  });

  it('keeps working after a handler throws', async () => {
    const { queue, runs } = recordingQueue(async key => {
      if (key === 'bad') throw new Error('boom');
    });
    queue.add('bad');
    queue.add('good');
    await queue.idle();
    expect(runs).toContain('good');
    await queue.stop();
  });
});
