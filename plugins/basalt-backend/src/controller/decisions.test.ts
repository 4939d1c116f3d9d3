import {
  BasaltClient,
  ClusterResource,
  EngineClusterInput,
} from '@basalt/plugin-basalt-common';
import { ClusterKey } from '@basalt/plugin-basalt-node';
import {
  MemoryBackend,
  MemoryRuntime,
  MemoryWorld,
  startMemoryBackend,
} from '../__testUtils__/memory';
import { clientOf, primaryOf, untilReady } from '../__testUtils__/testBackend';
import { eventually } from '../testUtils/eventually';

jest.setTimeout(30_000);

/*
 * The controller's decisions, on the in-memory engine and runtime: a real
 * backend (store, API, queue, lease, controller) with no engine processes,
 * so each decision is seen in milliseconds and exactly. The real engines'
 * integration tests check the same paths with PostgreSQL.
 */
describe('controller decisions (in-memory engine)', () => {
  let memory: MemoryBackend;
  let world: MemoryWorld;
  let runtime: MemoryRuntime;
  let client: BasaltClient;

  beforeAll(async () => {
    memory = await startMemoryBackend();
    ({ world, runtime } = memory);
    client = clientOf(memory.backend.server);
  });

  afterAll(() => memory?.stop());

  const ref = (name: string) => ({ namespace: 'payments', name });
  const manifest = (
    name: string,
    spec: Partial<EngineClusterInput['spec']> = {},
  ): EngineClusterInput => ({
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: ref(name),
    spec: { engine: 'memory', terminationPolicy: 'Delete', ...spec },
  });
  const keyOf = (cluster: ClusterResource): ClusterKey => ({
    namespace: cluster.metadata.namespace,
    name: cluster.metadata.name,
    uid: cluster.metadata.uid,
  });

  /** Resolves once the controller has looked at the cluster `passes` more times. */
  async function passes(cluster: ClusterResource, count: number) {
    const { uid } = cluster.metadata;
    const from = world.listings.get(uid) ?? 0;
    await eventually(async () =>
      (world.listings.get(uid) ?? 0) >= from + count ? true : undefined,
    );
  }

  async function created(
    name: string,
    spec: Partial<EngineClusterInput['spec']> = {},
  ) {
    await client.applyCluster(manifest(name, { replicas: 3, ...spec }));
    return untilReady(client, ref(name), spec.replicas ?? 3);
  }

  it('creates a replicated cluster, and passes over a settled one change nothing', async () => {
    const cluster = await created('orders', {
      databases: ['orders'],
      accounts: [{ name: 'app', databases: ['orders'] }],
    });
    expect(cluster.status!.instances.map(i => i.role).sort()).toEqual([
      'primary',
      'replica',
      'replica',
    ]);
    const before = [...world.changes];

    await passes(cluster, 3);

    expect(world.changes).toEqual(before);
  });

  it('fails over to the replica that has the most, and the others follow it', async () => {
    const cluster = await created('ledger');
    const key = keyOf(cluster);
    const oldPrimary = primaryOf(cluster).name;
    const [ahead, behind] = ['ledger-1', 'ledger-2'].filter(
      name => name !== oldPrimary,
    );
    // 9 against 12 writes: positions that sort wrongly as text.
    world.write(runtime.addressOf(key, oldPrimary), 9);
    world.hold(runtime.addressOf(key, behind));
    world.write(runtime.addressOf(key, oldPrimary), 3);

    runtime.crash(key, oldPrimary);

    const failedOver = await untilReady(
      client,
      ref('ledger'),
      3,
      current => primaryOf(current).name === ahead,
    );
    expect(failedOver.status!.lastFailover).toMatchObject({
      kind: 'failover',
      from: oldPrimary,
      to: ahead,
    });
    world.release(runtime.addressOf(key, behind));
    const aheadAddress = runtime.addressOf(key, ahead);
    for (const follower of [behind, oldPrimary]) {
      expect(world.primaryOf(runtime.addressOf(key, follower))).toBe(
        `${aheadAddress.host}:${aheadAddress.port}`,
      );
    }
  });

  it('switches over to the replica asked for, and to the most advanced one when none is named', async () => {
    const cluster = await created('billing');
    const key = keyOf(cluster);
    const first = primaryOf(cluster).name;
    const target = ['billing-0', 'billing-1', 'billing-2'].find(
      name => name !== first,
    )!;

    await client.switchoverCluster(ref('billing'), target);

    const switched = await untilReady(
      client,
      ref('billing'),
      3,
      current => primaryOf(current).name === target,
    );
    expect(switched.status!.lastFailover).toMatchObject({
      kind: 'switchover',
      from: first,
      to: target,
    });
    // The old primary keeps up; the third replica falls behind.
    const lagging = ['billing-0', 'billing-1', 'billing-2'].find(
      name => name !== first && name !== target,
    )!;
    world.hold(runtime.addressOf(key, lagging));
    world.write(runtime.addressOf(key, target), 4);

    await client.switchoverCluster(ref('billing'));

    const again = await untilReady(
      client,
      ref('billing'),
      3,
      current => current.status?.lastFailover?.from === target,
    );
    expect(primaryOf(again).name).toBe(first);
    world.release(runtime.addressOf(key, lagging));
  });

  it('leaves a lost primary to people when failover is manual', async () => {
    const cluster = await created('audit', {
      ha: { failover: 'manual', replication: 'async' },
    });
    const key = keyOf(cluster);
    const primary = primaryOf(cluster).name;
    const before = world.changes.length;

    runtime.crash(key, primary);
    await passes(cluster, 3);

    expect(
      world.changes
        .slice(before)
        .filter(change => change.startsWith('promoted')),
    ).toEqual([]);
    const current = await client.getCluster(ref('audit'));
    expect(primaryOf(current).name).toBe(primary);
  });

  it('turns synchronous replication on and off as the manifest says', async () => {
    const mark = world.changes.length;
    const cluster = await created('payments', {
      ha: { failover: 'automatic', replication: 'sync' },
    });
    const key = keyOf(cluster);
    const primary = runtime.addressOf(key, primaryOf(cluster).name);
    await eventually(async () =>
      world.serving(primary)?.synchronous ? true : undefined,
    );
    expect(world.changes.slice(mark)).toContain('synchronous true');

    await client.applyCluster(
      manifest('payments', {
        replicas: 3,
        ha: { failover: 'automatic', replication: 'async' },
      }),
    );

    await eventually(async () =>
      world.serving(primary)?.synchronous === false ? true : undefined,
    );
    expect(world.changes.slice(mark)).toEqual(
      expect.arrayContaining(['synchronous true', 'synchronous false']),
    );
  });
});
