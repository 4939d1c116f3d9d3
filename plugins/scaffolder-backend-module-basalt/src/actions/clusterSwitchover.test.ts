// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { eventually } from '@basalt/plugin-basalt-backend/testUtils';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import {
  actionContext as context,
  task,
  useBasaltBackend,
} from '../__testUtils__/basaltBackend';
import { createClusterSwitchoverAction } from './clusterSwitchover';

jest.setTimeout(120_000);

const REF = { namespace: 'ci', name: 'switch-db' };

const manifest = (name: string, replicas: number) => ({
  apiVersion: 'basalt.dev/v1alpha1' as const,
  kind: 'EngineCluster' as const,
  metadata: { name, namespace: 'ci' },
  spec: {
    engine: 'postgresql' as const,
    replicas,
    terminationPolicy: 'Delete' as const,
  },
});

const primaryOf = (cluster: ClusterResource) =>
  cluster.status!.instances.find(i => i.role === 'primary')!.name;
const replicaOf = (cluster: ClusterResource) =>
  cluster.status!.instances.find(i => i.role === 'replica')!.name;

describe('basalt:cluster:switchover (real PostgreSQL)', () => {
  const backend = useBasaltBackend({ ports: { from: 30900, to: 30999 } });
  const action = () =>
    createClusterSwitchoverAction({ basalt: backend.basalt });

  /** The cluster once it is Ready with every instance ready. */
  const ready = async (ref: { namespace: string; name: string }, n: number) => {
    const request = await backend.asUser();
    return eventually(
      async () => {
        const cluster = await backend.basalt.api.getCluster(ref, request);
        const condition = cluster.status?.conditions.find(
          c => c.type === 'Ready',
        );
        return condition?.status === 'True' &&
          cluster.status!.instances.length === n &&
          cluster.status!.instances.every(i => i.ready)
          ? cluster
          : undefined;
      },
      { what: `${ref.namespace}/${ref.name} to be ready` },
    );
  };
  const switchoverRequests = async () =>
    (
      await backend.basalt.api.listClusterEvents(
        REF,
        { limit: 100 },
        await backend.asUser(),
      )
    ).filter(e => e.reason === 'SwitchoverRequested');

  beforeAll(async () => {
    await backend.basalt.api.applyCluster(
      manifest('switch-db', 2),
      await backend.asUser(),
    );
    await ready(REF, 2);
  });

  it('dry-run checks the target, outputs what it would do and changes nothing', async () => {
    const before = await ready(REF, 2);
    const ctx = context(
      { ...REF, target: replicaOf(before) },
      { isDryRun: true },
    );
    await action().handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith(
      'previousPrimary',
      primaryOf(before),
    );
    expect(ctx.output).toHaveBeenCalledWith('primary', replicaOf(before));
    await expect(
      action().handler(
        context({ ...REF, target: 'switch-db-7' }, { isDryRun: true }),
      ),
    ).rejects.toThrow(
      `target: must be one of the replicas of ci/switch-db (${replicaOf(
        before,
      )}), got "switch-db-7"`,
    );
    const after = await ready(REF, 2);
    expect(primaryOf(after)).toBe(primaryOf(before));
    expect(after.status!.lastFailover).toBeUndefined();
    expect(await switchoverRequests()).toEqual([]);
  });

  it('fails the step with the API message naming the replicas for a target that is not one', async () => {
    const cluster = await ready(REF, 2);
    const ctx = context({ ...REF, target: primaryOf(cluster) });

    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: `target: must be one of the replicas of ci/switch-db (${replicaOf(
        cluster,
      )}), got "${primaryOf(cluster)}"`,
    });
    expect(await switchoverRequests()).toEqual([]);
  });

  it('switches over to a named replica, outputs the new primary, and a retried task does not switch over again', async () => {
    const before = await ready(REF, 2);
    const target = replicaOf(before);
    const checkpoint = task();
    const ctx = context({ ...REF, target }, { checkpoint });
    await action().handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('primary', target);
    expect(ctx.output).toHaveBeenCalledWith(
      'previousPrimary',
      primaryOf(before),
    );
    expect(ctx.output).toHaveBeenCalledWith('durationMs', expect.any(Number));
    const after = await backend.basalt.api.getCluster(
      REF,
      await backend.asUser(),
    );
    expect(primaryOf(after)).toBe(target);
    expect(after.status!.lastFailover).toMatchObject({
      kind: 'switchover',
      from: primaryOf(before),
      to: target,
    });

    // The same task retried: the checkpoint stands, so no second request,
    // and the step still reports the switchover it made.
    const retried = context({ ...REF, target }, { checkpoint });
    await action().handler(retried);
    expect(retried.output).toHaveBeenCalledWith('primary', target);
    expect(await switchoverRequests()).toHaveLength(1);
  });

  it('without a target promotes the most advanced replica', async () => {
    const before = await ready(REF, 2);
    const ctx = context({ ...REF, timeoutSeconds: 90 });
    await action().handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith(
      'previousPrimary',
      primaryOf(before),
    );
    expect(ctx.output).toHaveBeenCalledWith('primary', replicaOf(before));
    expect(primaryOf(await ready(REF, 2))).toBe(replicaOf(before));
  });

  it('refuses a cluster with one instance, saying why', async () => {
    const ref = { namespace: 'ci', name: 'single-db' };
    await backend.basalt.api.applyCluster(
      manifest('single-db', 1),
      await backend.asUser(),
    );
    await ready(ref, 1);

    await expect(action().handler(context(ref))).rejects.toMatchObject({
      name: 'ConflictError',
      message:
        'EngineCluster ci/single-db has one instance (spec.replicas: 1); a switchover needs a replica to promote',
    });
  });
});
