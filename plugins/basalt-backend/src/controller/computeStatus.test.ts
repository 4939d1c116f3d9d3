import {
  ClusterResource,
  EngineClusterStatus,
} from '@basalt/plugin-basalt-common';
import { computeStatus, Observation } from './computeStatus';
import { ObservedInstance } from './ReconcileContext';

const NOW = '2026-11-24T10:00:00.000Z';

function cluster(
  replicas: number,
  status?: EngineClusterStatus,
): ClusterResource {
  return {
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: {
      namespace: 'payments',
      name: 'orders-db',
      uid: 'uid-1',
      generation: 1,
      creationTimestamp: NOW,
      labels: {},
      annotations: {},
    },
    spec: {
      engine: 'postgresql',
      version: '15',
      replicas,
    } as ClusterResource['spec'],
    status,
  };
}

function instance(
  ordinal: number,
  role: 'primary' | 'replica' | 'unknown',
  ready = true,
): ObservedInstance {
  return {
    instance: {
      name: `orders-db-${ordinal}`,
      node: `node-${ordinal}`,
      address: { host: '127.0.0.1', port: 5000 + ordinal },
      running: true,
    },
    probe: { ready, role, ...(role === 'replica' && { lag: { bytes: 0 } }) },
  };
}

const endpoints = { readWrite: '127.0.0.1:6000', readOnly: '127.0.0.1:6001' };

function observe(...observed: ObservedInstance[]): Observation {
  return { observed, endpoints };
}

function conditionOf(status: EngineClusterStatus, type: string) {
  return status.conditions.find(c => c.type === type)!;
}

describe('computeStatus', () => {
  it('is Creating until every instance of a new cluster answers', () => {
    const status = computeStatus(
      cluster(2),
      observe(instance(0, 'primary'), instance(1, 'unknown', false)),
      NOW,
    );
    expect(status.phase).toBe('Creating');
    expect(conditionOf(status, 'Degraded').status).toBe('False');
  });

  it('says why an instance is not ready, as its probe found, and nothing once it is', () => {
    const starting = instance(1, 'unknown', false);
    starting.probe.message = 'the database system is starting up';
    const status = computeStatus(
      cluster(2),
      observe(instance(0, 'primary'), starting),
      NOW,
    );
    expect(status.instances.map(i => i.message)).toEqual([
      undefined,
      'the database system is starting up',
    ]);

    const ready = instance(1, 'replica');
    ready.probe.message = 'a stale reason';
    expect(
      computeStatus(cluster(2), observe(instance(0, 'primary'), ready), NOW)
        .instances[1],
    ).not.toHaveProperty('message');
  });

  it('is Running when every instance answers and a primary leads', () => {
    const status = computeStatus(
      cluster(2),
      observe(instance(0, 'primary'), instance(1, 'replica')),
      NOW,
    );
    expect(status.phase).toBe('Running');
    expect(conditionOf(status, 'Ready').status).toBe('True');
  });

  it('is Degraded, and stays so, when an established cluster loses a replica', () => {
    const running = computeStatus(
      cluster(2),
      observe(instance(0, 'primary'), instance(1, 'replica')),
      NOW,
    );
    const lost = observe(instance(0, 'primary'), instance(1, 'unknown', false));
    const degraded = computeStatus(cluster(2, running), lost, NOW);
    expect(degraded.phase).toBe('Degraded');
    expect(conditionOf(degraded, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'InstancesNotReady',
      message: 'orders-db-1 not answering',
    });

    // Ready is False now; the cluster is still degraded, not "creating".
    const again = computeStatus(cluster(2, degraded), lost, NOW);
    expect(again.phase).toBe('Degraded');

    const recovered = computeStatus(
      cluster(2, again),
      observe(instance(0, 'primary'), instance(1, 'replica')),
      NOW,
    );
    expect(recovered.phase).toBe('Running');
    expect(conditionOf(recovered, 'Degraded').status).toBe('False');
  });

  it('says when no primary answers', () => {
    const running = computeStatus(
      cluster(2),
      observe(instance(0, 'primary'), instance(1, 'replica')),
      NOW,
    );
    const status = computeStatus(
      cluster(2, running),
      observe(instance(0, 'unknown', false), instance(1, 'replica')),
      NOW,
    );
    expect(status.phase).toBe('Degraded');
    expect(conditionOf(status, 'Degraded').message).toBe(
      'orders-db-0 not answering; no primary answering',
    );
  });

  it('is Updating, not Degraded, right after a switchover stopped the former primary', () => {
    const running = computeStatus(
      cluster(2),
      observe(instance(0, 'primary'), instance(1, 'replica')),
      NOW,
    );
    const status = computeStatus(
      cluster(2, running),
      {
        ...observe(instance(0, 'unknown', false), instance(1, 'primary')),
        lastFailover: {
          kind: 'switchover',
          timestamp: NOW,
          from: 'orders-db-0',
          to: 'orders-db-1',
          durationMs: 300,
          reason: 'Requested',
        },
      },
      NOW,
    );
    expect(status.phase).toBe('Updating');
    expect(conditionOf(status, 'Degraded').status).toBe('False');
    expect(status.lastFailover?.to).toBe('orders-db-1');
  });

  it('is Updating, not Degraded, while scaling up', () => {
    const running = computeStatus(
      cluster(1),
      observe(instance(0, 'primary')),
      NOW,
    );
    const status = computeStatus(
      cluster(2, running),
      observe(instance(0, 'primary')),
      NOW,
    );
    expect(status.phase).toBe('Updating');
    expect(conditionOf(status, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'Scaling',
    });
  });

  it('is Failed when a failure stops a new cluster, Degraded when it stops an established one', () => {
    const failure = { reason: 'InstanceFailed' as const, message: 'disk full' };
    const fresh = computeStatus(cluster(1), { ...observe(), failure }, NOW);
    expect(fresh.phase).toBe('Failed');

    const running = computeStatus(
      cluster(1),
      observe(instance(0, 'primary')),
      NOW,
    );
    const established = computeStatus(
      cluster(1, running),
      { ...observe(instance(0, 'primary')), failure },
      NOW,
    );
    expect(established.phase).toBe('Degraded');
    expect(conditionOf(established, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'InstanceFailed',
      message: 'disk full',
    });
  });

  it('keeps a rolling restart in Progressing through a pass that failed before reaching it', () => {
    const observed = [
      instance(0, 'primary'),
      instance(1, 'replica'),
      instance(2, 'replica'),
    ];
    const restarting = computeStatus(
      cluster(3),
      { ...observe(...observed), restart: { restarted: 2, total: 3 } },
      NOW,
    );
    const failure = {
      reason: 'InstanceFailed' as const,
      message: 'port taken',
    };
    const failed = computeStatus(
      cluster(3, restarting),
      { ...observe(...observed), failure },
      NOW,
    );
    expect(conditionOf(failed, 'Progressing')).toMatchObject({
      reason: 'Restarting',
      message: 'Rolling restart, replicas first: 2 of 3 instances restarted',
    });
    // Once a pass gets through, the restart says where it is itself.
    const done = computeStatus(cluster(3, failed), observe(...observed), NOW);
    expect(conditionOf(done, 'Progressing').reason).not.toBe('Restarting');
  });

  it('says whether CPU and memory limits are enforced, and why not', () => {
    const enforced = computeStatus(
      cluster(1),
      { ...observe(instance(0, 'primary')), resources: { enforced: true } },
      NOW,
    );
    expect(conditionOf(enforced, 'ResourceLimitsEnforced')).toMatchObject({
      status: 'True',
      reason: 'LimitsEnforced',
    });
    const notEnforced = computeStatus(
      cluster(1),
      {
        ...observe(instance(0, 'primary')),
        resources: {
          enforced: false,
          reason: 'not running as root (uid 1000)',
        },
      },
      NOW,
    );
    expect(conditionOf(notEnforced, 'ResourceLimitsEnforced')).toMatchObject({
      status: 'False',
      reason: 'LimitsNotEnforced',
      message:
        'CPU and memory limits are not enforced here: not running as root (uid 1000)',
    });
  });

  it('says whether volumes have a throughput limit, as blkio is told', () => {
    const volumes = {
      enforcement: { enforced: true as const },
      locked: false,
      message: 'Every volume is below the high watermark of 90%',
    };
    const withStorage = (storage: object) => {
      const base = cluster(1);
      return { ...base, spec: { ...base.spec, storage } } as ClusterResource;
    };
    const limited = computeStatus(
      withStorage({ size: '2Gi', throughput: '20Mi', pool: 'default' }),
      { ...observe(instance(0, 'primary')), volumes },
      NOW,
    );
    expect(conditionOf(limited, 'VolumeLimitsEnforced')).toMatchObject({
      status: 'True',
      message:
        'Each volume has a hard capacity cap of 2Gi and a throughput limit of 20Mi/s',
    });
    const unlimited = computeStatus(
      withStorage({ size: '1Gi', pool: 'default' }),
      { ...observe(instance(0, 'primary')), volumes },
      NOW,
    );
    expect(conditionOf(unlimited, 'VolumeLimitsEnforced').message).toBe(
      'Each volume has a hard capacity cap of 1Gi; its throughput is not limited, as spec.storage.throughput is not set',
    );
  });
});
