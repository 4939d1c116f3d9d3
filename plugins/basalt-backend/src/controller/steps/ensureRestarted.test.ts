import { mockServices } from '@backstage/backend-test-utils';
import { ClusterReasons } from '@basalt/plugin-basalt-common';
import { EngineContext, InstanceProbe } from '@basalt/plugin-basalt-node';
import { StoredOperation } from '../../store';
import { FailedOperation } from '../operations/OperationRunner';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { ensureRestarted } from './ensureRestarted';

const engine = {} as EngineContext;
const REQUESTED_AT = '2026-12-06T10:00:00.000Z';
const BEFORE = '2026-12-06T09:00:00.000Z';

function observed(
  name: string,
  probe: Partial<InstanceProbe> & Pick<InstanceProbe, 'role'>,
): ObservedInstance {
  return {
    instance: {
      name,
      node: 'node-a',
      address: { host: '127.0.0.1', port: 5432 },
      running: true,
      startedAt: BEFORE,
    },
    probe: { ready: true, ...probe },
  };
}

const restartOf = (target: string): StoredOperation => ({
  id: `restart-${target}`,
  clusterUid: 'uid-1',
  generation: 1,
  kind: 'restart',
  target,
  phase: 'Running',
  startedAt: REQUESTED_AT,
});

/**
 * A cluster whose rolling restart was requested and reported (Progressing
 * is Restarting), with the given restart operations running or failed.
 */
function contextWith(
  options: {
    running?: StoredOperation[];
    failures?: FailedOperation[];
    primaryFirst?: boolean;
  } = {},
) {
  const start = jest.fn(async (request: { target?: string }) =>
    restartOf(request.target!),
  );
  const ctx = {
    cluster: {
      metadata: { uid: 'uid-1' },
      status: {
        conditions: [
          { type: 'Progressing', reason: ClusterReasons.Restarting },
        ],
        configuration: { restartPrimaryFirst: options.primaryFirst },
      },
    },
    restartRequestedAt: REQUESTED_AT,
    primaryInstance: 'db-0',
    driver: {
      comparePositions: (a: string, b: string) => Number(a) - Number(b),
    },
    logger: mockServices.logger.mock(),
    recordEvent: async () => {},
    operations: {
      interrupted: async () => [],
      undone: async () => {},
      takeFailures: () => options.failures ?? [],
      running: async () => options.running ?? [],
      start,
    },
  } as unknown as ReconcileContext;
  return { ctx, start };
}

const cluster = () => [
  observed('db-0', { role: 'primary', position: '1000', lag: { bytes: 0 } }),
  observed('db-1', { role: 'replica', position: '1000', lag: { bytes: 0 } }),
  observed('db-2', { role: 'replica', position: '1000', lag: { bytes: 0 } }),
];

describe('ensureRestarted', () => {
  it('starts restarting the first replica as an operation and returns at once', async () => {
    const { ctx, start } = contextWith();

    const outcome = await ensureRestarted(ctx, engine, cluster());

    expect(start).toHaveBeenCalledTimes(1);
    expect(start.mock.calls[0][0]).toMatchObject({
      kind: 'restart',
      target: 'db-1',
      progress: '1 of 3 in the rolling restart',
    });
    expect(outcome.progress).toEqual({ restarted: 0, total: 3 });
    expect(outcome.restarting).toMatchObject([{ target: 'db-1' }]);
  });

  it('starts no other restart while one runs', async () => {
    const { ctx, start } = contextWith({ running: [restartOf('db-1')] });

    const outcome = await ensureRestarted(ctx, engine, cluster());

    expect(start).not.toHaveBeenCalled();
    expect(outcome.restarting).toMatchObject([{ target: 'db-1' }]);
  });

  it('reports a failed restart as the pass’s failure', async () => {
    const error = new Error('db-1 did not answer after its restart');
    const { ctx, start } = contextWith({
      failures: [{ operation: restartOf('db-1'), error }],
    });

    await expect(ensureRestarted(ctx, engine, cluster())).rejects.toBe(error);
    expect(start).not.toHaveBeenCalled();
  });

  it('restarts a replica after its restarted primary only once it has caught up', async () => {
    const restarted = new Date(Date.parse(REQUESTED_AT) + 1000).toISOString();
    const primary = observed('db-0', { role: 'primary', position: '2000' });
    primary.instance.startedAt = restarted;
    const behind = observed('db-1', {
      role: 'replica',
      position: '1500',
      lag: { bytes: 0 },
    });
    const waiting = contextWith({ primaryFirst: true });

    await ensureRestarted(waiting.ctx, engine, [primary, behind]);
    expect(waiting.start).not.toHaveBeenCalled();

    const caughtUp = observed('db-1', {
      role: 'replica',
      position: '2000',
      lag: { bytes: 0 },
    });
    const going = contextWith({ primaryFirst: true });
    await ensureRestarted(going.ctx, engine, [primary, caughtUp]);
    expect(going.start.mock.calls[0][0]).toMatchObject({ target: 'db-1' });
  });
});
