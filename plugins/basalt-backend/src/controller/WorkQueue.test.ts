import { mockServices } from '@backstage/backend-test-utils';
import { WorkQueue } from './WorkQueue';

const tick = (ms = 5) => new Promise<void>(resolve => setTimeout(resolve, ms));

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
    let calls = 0;
    const queue = new WorkQueue({
      concurrency: 1,
      logger: mockServices.logger.mock(),
      handler: async () => ({ requeueAfterMs: ++calls < 3 ? 10 : undefined }),
    });
    queue.add('a');
    await tick(100);
    expect(calls).toBe(3);
    await queue.stop();
  });

  it('stops waiting for work that outlives the grace, and names it', async () => {
    const { queue } = recordingQueue(key =>
      key === 'stuck' ? new Promise<void>(() => {}) : tick(5),
    );
    queue.add('stuck');
    queue.add('quick');
    await tick(1);
    await expect(queue.stop(50)).resolves.toEqual(['stuck']);
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
