import { mockServices } from '@backstage/backend-test-utils';
import {
  STORE_DATABASES,
  useStoreDatabases,
} from '../../__testUtils__/testDatabases';
import { OperationStore } from '../../store';
import { ClusterReconcileError } from '../errors';
import { OperationControl, OperationRunner } from './OperationRunner';

/** Work that runs until the test ends it. */
function controllable() {
  let finish: (error?: Error) => void = () => {};
  let control: OperationControl | undefined;
  const work = (given: OperationControl) => {
    control = given;
    return new Promise<void>((resolve, reject) => {
      finish = error => (error ? reject(error) : resolve());
      given.signal.addEventListener('abort', () =>
        reject(new Error('aborted')),
      );
    });
  };
  return {
    work,
    finish: (error?: Error) => finish(error),
    control: () => control!,
  };
}

describe.each(STORE_DATABASES)('OperationRunner on %s', kind => {
  const databases = useStoreDatabases();
  let store: OperationStore;
  let finished: string[];
  let runner: OperationRunner;

  beforeEach(async () => {
    store = new OperationStore(await databases.connect(kind));
    finished = [];
    runner = new OperationRunner({
      store,
      logger: mockServices.logger.mock(),
      onFinished: uid => finished.push(uid),
      heartbeatMs: 20,
    });
  });

  const request = {
    clusterUid: 'uid-1',
    kind: 'create-instance' as const,
    target: 'db-1',
    node: 'node-b',
    generation: 3,
    progress: 'Cloning from db-0',
  };

  /** Resolves once the cluster's operations have all ended here. */
  async function ended(uid = 'uid-1') {
    while (runner.runningHere(uid).length) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
  }

  it('records an operation Running at once, with progress, and Succeeded when its work ends', async () => {
    const work = controllable();
    const started = await runner.start(request, work.work);

    expect(started).toMatchObject({
      phase: 'Running',
      target: 'db-1',
      node: 'node-b',
      generation: 3,
      progress: 'Cloning from db-0',
    });
    expect(await store.listRunning('uid-1')).toEqual([started]);
    expect(runner.runningHere('uid-1')).toEqual([started]);

    work.control().report('Waiting until it answers');
    // The heartbeat carries the progress into the store.
    for (;;) {
      const [running] = await store.listRunning('uid-1');
      if (running.progress === 'Waiting until it answers') break;
      await new Promise(resolve => setTimeout(resolve, 10));
    }

    work.finish();
    await ended();
    expect(await store.listRunning('uid-1')).toEqual([]);
    expect(finished).toEqual(['uid-1']);
    expect(runner.takeFailures('uid-1', 'create-instance')).toEqual([]);
  });

  it('records a failure with its reason and hands the error out once', async () => {
    const work = controllable();
    await runner.start(request, work.work);
    const error = new ClusterReconcileError('InstanceFailed', 'disk full');
    work.finish(error);
    await ended();

    const [failure] = runner.takeFailures('uid-1', 'create-instance');
    expect(failure.error).toBe(error);
    expect(failure.operation).toMatchObject({
      phase: 'Failed',
      reason: 'InstanceFailed',
      error: 'disk full',
    });
    expect(runner.takeFailures('uid-1', 'create-instance')).toEqual([]);
    expect(finished).toEqual(['uid-1']);
  });

  it('aborts one operation without waiting, once, and queues its cluster when it has ended', async () => {
    const pointless = controllable();
    const needed = controllable();
    const started = await runner.start(request, pointless.work);
    await runner.start({ ...request, target: 'db-2' }, needed.work);

    expect(runner.abort(started.id)).toBe(true);
    expect(runner.abort(started.id)).toBe(false);
    expect(runner.abort('unknown')).toBe(false);
    expect(pointless.control().signal.aborted).toBe(true);
    expect(needed.control().signal.aborted).toBe(false);

    while (runner.runningHere('uid-1').length > 1) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    expect(finished).toEqual(['uid-1']);
    expect((await store.listRunning('uid-1')).map(o => o.target)).toEqual([
      'db-2',
    ]);
    // Cancelled is not a failure to report.
    expect(runner.takeFailures('uid-1', 'create-instance')).toEqual([]);
    needed.finish();
    await ended();
  });

  it('cancels only the operations of a kind, keeping the failures of others to report', async () => {
    const backup = controllable();
    const clone = controllable();
    await runner.start({ ...request, kind: 'final-backup' }, backup.work);
    await runner.start(request, clone.work);
    backup.finish(new Error('repository full'));
    while (runner.runningHere('uid-1').length > 1) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }

    await runner.cancel('uid-1', ['create-instance']);

    expect(clone.control().signal.aborted).toBe(true);
    expect(runner.takeFailures('uid-1', 'final-backup')).toMatchObject([
      { operation: { kind: 'final-backup', phase: 'Failed' } },
    ]);
  });

  it('cancels a cluster’s operations and waits for them, leaving others running', async () => {
    const mine = controllable();
    const other = controllable();
    await runner.start(request, mine.work);
    await runner.start({ ...request, clusterUid: 'uid-2' }, other.work);

    await runner.cancel('uid-1');

    expect(mine.control().signal.aborted).toBe(true);
    expect(runner.runningHere('uid-1')).toEqual([]);
    // Cancelled is not a failure to report.
    expect(runner.takeFailures('uid-1', 'create-instance')).toEqual([]);
    expect(await store.listRunning('uid-2')).toHaveLength(1);
    other.finish();
    await ended('uid-2');
  });

  it('interrupts the operations of a backend that stopped, once their heartbeat is stale', async () => {
    // Recorded by a backend that died: nothing renews its heartbeat.
    await store.start({
      ...request,
      id: 'orphan',
      startedAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const live = controllable();
    await runner.start({ ...request, target: 'db-2' }, live.work);

    const stale = await runner.interruptStale();

    expect(stale.map(o => o.id)).toEqual(['orphan']);
    // Interrupted until its cluster's next pass undoes what it left.
    expect(await store.listInterrupted('uid-1')).toMatchObject([
      { id: 'orphan', phase: 'Interrupted' },
    ]);
    await store.undone('orphan');
    expect(await store.listInterrupted('uid-1')).toEqual([]);
    expect((await store.listRunning('uid-1')).map(o => o.target)).toEqual([
      'db-2',
    ]);
    // Its cluster is queued, to start the work again.
    expect(finished).toEqual(['uid-1']);
    live.finish();
    await ended();
  });

  it('aborts everything when the backend stops, waiting at most the grace', async () => {
    const stubborn = {
      work: () => new Promise<void>(() => {}),
    };
    const polite = controllable();
    await runner.start(request, polite.work);
    await runner.start({ ...request, target: 'db-2' }, stubborn.work);

    const startedAt = Date.now();
    await runner.abortAll(200);

    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(polite.control().signal.aborted).toBe(true);
    expect(runner.runningHere('uid-1').map(o => o.target)).toEqual(['db-2']);
  });
});
