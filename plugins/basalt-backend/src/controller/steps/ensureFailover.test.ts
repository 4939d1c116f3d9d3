import { mockServices } from '@backstage/backend-test-utils';
import { ClusterOperationKind } from '@basalt/plugin-basalt-common';
import {
  EngineContext,
  InstanceProbe,
  RuntimeInstance,
} from '@basalt/plugin-basalt-node';
import { StoredOperation } from '../../store';
import { ReconcileContext } from '../ReconcileContext';
import { ensureFailover } from './ensureFailover';

const engine = {} as EngineContext;

function instance(name: string, running: boolean): RuntimeInstance {
  return {
    name,
    node: 'node-a',
    address: { host: '127.0.0.1', port: 5432 },
    running,
  };
}

function operation(
  kind: ClusterOperationKind,
  target: string,
): StoredOperation {
  return {
    id: `${kind}-${target}`,
    clusterUid: 'uid-1',
    generation: 1,
    kind,
    target,
    phase: 'Running',
    startedAt: '2026-12-06T10:00:00.000Z',
  };
}

/**
 * The context `ensureFailover` decides with: a replicated cluster with
 * automatic failover whose recorded primary is `db-0`, the operations
 * `running`, and replicas that do not answer (so no failover is carried
 * out: what is decided shows in whether the replicas were probed).
 */
function contextWith(running: StoredOperation[]) {
  const probe = jest.fn(
    async (): Promise<InstanceProbe> => ({
      ready: false,
      role: 'unknown',
      message: 'connection refused',
    }),
  );
  const ctx = {
    cluster: {
      metadata: { uid: 'uid-1' },
      spec: { replicas: 2, ha: { failover: 'automatic' } },
    },
    primaryInstance: 'db-0',
    primaryLoss: () => undefined,
    driver: { probe },
    logger: mockServices.logger.mock(),
    operations: { running: async () => running },
  } as unknown as ReconcileContext;
  return { ctx, probe };
}

describe('ensureFailover', () => {
  const stoppedPrimary = [instance('db-0', false), instance('db-1', true)];

  it('looks for a replica to promote when the primary stopped', async () => {
    const { ctx, probe } = contextWith([]);

    expect(await ensureFailover(ctx, engine, stoppedPrimary)).toBeUndefined();
    expect(probe).toHaveBeenCalled();
  });

  it.each(['restart', 'create-instance'] as const)(
    'leaves a primary alone while a %s operation works on it',
    async kind => {
      const { ctx, probe } = contextWith([operation(kind, 'db-0')]);

      expect(await ensureFailover(ctx, engine, stoppedPrimary)).toBeUndefined();
      expect(probe).not.toHaveBeenCalled();
    },
  );

  it('still fails over from a primary when only a replica is restarting', async () => {
    const { ctx, probe } = contextWith([operation('restart', 'db-1')]);

    expect(await ensureFailover(ctx, engine, stoppedPrimary)).toBeUndefined();
    expect(probe).toHaveBeenCalled();
  });
});
