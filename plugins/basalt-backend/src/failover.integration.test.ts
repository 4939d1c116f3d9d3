import {
  ClusterEvent,
  ClusterResource,
  InstanceStatus,
} from '@basalt/plugin-basalt-common';
import { renameSync } from 'fs';
import { join } from 'path';
import { connect } from './__testUtils__/clusterApi';
import {
  deleteAndWait,
  postgresManifest,
  primaryOf,
  untilReady,
  useTestBackend,
} from './__testUtils__/testBackend';
import { serverPidOf } from './__testUtils__/localInstances';
import { ContinuousWriter, missingWrites } from './__testUtils__/writer';
import { killProcessesUnder } from './testUtils/killProcessesUnder';
import { releaseVolumesUnder } from './testUtils/releaseVolumesUnder';

jest.setTimeout(120_000);

const NODES = ['node-a', 'node-b', 'node-c', 'node-d'];

describe('high availability on the local runtime', () => {
  const backend = useTestBackend({
    ports: { from: 30800, to: 30899 },
    nodes: NODES,
    resync: true,
    // Wider than the defaults (500 ms, 3 in a row), so that probes slowed by
    // a loaded test machine are not taken for a lost primary; a hung one is
    // still found within seconds.
    controller: { ha: { probeTimeout: '1s', failureThreshold: 5 } },
  });
  const writers: ContinuousWriter[] = [];
  const frozen: number[] = [];
  const created: string[] = [];
  const ref = (name: string) => ({ namespace: 'payments', name });

  afterEach(async () => {
    for (const pid of frozen.splice(0)) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // already gone
      }
    }
    await Promise.all(writers.splice(0).map(w => w.stop()));
    // The next test does not need them: fewer engines, less load.
    for (const name of created.splice(0)) {
      await deleteAndWait(backend.client(), ref(name));
    }
  });

  async function createCluster(
    name: string,
    replication: 'async' | 'sync',
  ): Promise<ClusterResource> {
    const client = backend.client();
    created.push(name);
    await client.applyCluster(
      postgresManifest(name, { replicas: 3, ha: { replication } }),
    );
    return untilReady(client, ref(name), 3);
  }

  const pidOf = (cluster: ClusterResource, instance: InstanceStatus) =>
    serverPidOf(backend.rootDir, cluster, instance);

  async function startWriter(cluster: ClusterResource) {
    const writer = new ContinuousWriter(cluster);
    writers.push(writer);
    await writer.start();
    await writer.waitForWrites(20);
    return writer;
  }

  /** Waits for a failover away from `from` and the cluster back at 3. */
  async function untilFailedOver(
    name: string,
    from: string,
    timeoutMs?: number,
  ) {
    return untilReady(
      backend.client(),
      ref(name),
      3,
      cluster => {
        const primary = primaryOf(cluster);
        return (
          primary?.name !== from &&
          cluster.status?.lastFailover?.from === from &&
          cluster.status.instances.every(i => i.ready)
        );
      },
      timeoutMs,
    );
  }

  /** Stops the writer and checks every acknowledged write is there. */
  async function expectNoLostWrites(
    cluster: ClusterResource,
    writer: ContinuousWriter,
  ) {
    await writer.stop();
    const client = await connect(cluster, 'readWrite');
    try {
      await expect(missingWrites(client, writer.acknowledged)).resolves.toEqual(
        [],
      );
    } finally {
      await client.end();
    }
  }

  const eventsOf = async (name: string): Promise<ClusterEvent[]> =>
    backend.client().listClusterEvents(ref(name), { limit: 100 });

  it('fails over when the primary is killed, loses no acknowledged write in sync mode, and the old primary rejoins as a replica', async () => {
    const cluster = await createCluster('killed-db', 'sync');
    const old = primaryOf(cluster);
    const writer = await startWriter(cluster);

    process.kill(pidOf(cluster, old), 'SIGKILL');
    // In sync mode these writes wait for the failover to finish.
    await writer.waitForWrites(20, 90_000);
    const after = await untilFailedOver('killed-db', old.name);

    expect(after.status!.lastFailover).toMatchObject({
      kind: 'failover',
      from: old.name,
      to: primaryOf(after).name,
    });
    expect(
      after.status!.instances.find(i => i.name === old.name),
    ).toMatchObject({ role: 'replica', ready: true });
    await expectNoLostWrites(after, writer);
    const failover = (await eventsOf('killed-db')).find(
      e => e.reason === 'Failover',
    );
    expect(failover?.message).toMatch(
      /^Failed over from killed-db-\d to killed-db-\d in \d+ ms: .*detected \d+ ms after the loss, fenced .* in \d+ ms, promoted .* in \d+ ms, moved the read-write endpoint in \d+ ms$/,
    );
  });

  it('fails over again when the new primary is lost in turn', async () => {
    const cluster = await createCluster('twice-db', 'async');
    await startWriter(cluster);
    const first = primaryOf(cluster);
    process.kill(pidOf(cluster, first), 'SIGKILL');
    const between = await untilFailedOver('twice-db', first.name);

    const second = primaryOf(between);
    process.kill(pidOf(between, second), 'SIGKILL');
    const after = await untilFailedOver('twice-db', second.name);

    expect(after.status!.instances.map(i => i.role).sort()).toEqual([
      'primary',
      'replica',
      'replica',
    ]);
  });

  it('fails over from a hung primary, fencing it', async () => {
    const cluster = await createCluster('hung-db', 'async');
    const old = primaryOf(cluster);
    const pid = pidOf(cluster, old);

    process.kill(pid, 'SIGSTOP');
    frozen.push(pid);
    // A pass caught in a query on the primary when it froze holds the
    // cluster until that query times out (60 s); the failover follows it.
    const after = await untilFailedOver('hung-db', old.name, 120_000);

    expect(after.status!.lastFailover?.reason).toMatch(
      /stopped answering \(\d+ probes in a row failed\)/,
    );
    // Fenced: the hung process was killed, never resumed as a primary.
    expect(() => process.kill(pid, 0)).toThrow();
    expect(after.status!.instances.find(i => i.name === old.name)?.role).toBe(
      'replica',
    );
  }, 240_000);

  it('does not fail over from a primary that is slow but answers within the thresholds', async () => {
    const cluster = await createCluster('slow-db', 'async');
    const primary = primaryOf(cluster);
    const pid = pidOf(cluster, primary);
    const before = (await eventsOf('slow-db')).length;

    // Far shorter than 5 failed probes 250 ms apart.
    process.kill(pid, 'SIGSTOP');
    frozen.push(pid);
    await new Promise(resolve => setTimeout(resolve, 400));
    process.kill(pid, 'SIGCONT');
    await new Promise(resolve => setTimeout(resolve, 3000));

    const after = await untilReady(backend.client(), ref('slow-db'), 3);
    expect(primaryOf(after).name).toBe(primary.name);
    expect(after.status!.lastFailover).toBeUndefined();
    const events = (await eventsOf('slow-db')).slice(
      0,
      (await eventsOf('slow-db')).length - before,
    );
    expect(events.map(e => e.reason)).not.toContain('Failover');
  });

  it('switches over to a chosen replica under load without losing a write', async () => {
    const cluster = await createCluster('switch-db', 'sync');
    const old = primaryOf(cluster);
    const target = cluster.status!.instances.find(i => i.role === 'replica')!;
    const writer = await startWriter(cluster);

    await backend.client().switchoverCluster(ref('switch-db'), target.name);
    const after = await untilReady(
      backend.client(),
      ref('switch-db'),
      3,
      c =>
        primaryOf(c)?.name === target.name &&
        c.status?.lastFailover?.kind === 'switchover' &&
        c.status.instances.every(i => i.ready),
    );
    await writer.waitForWrites(20);

    expect(after.status!.lastFailover).toMatchObject({
      kind: 'switchover',
      from: old.name,
      to: target.name,
    });
    expect(after.status!.instances.find(i => i.name === old.name)?.role).toBe(
      'replica',
    );
    await expectNoLostWrites(after, writer);
  });

  it('refuses a switchover to an instance that is not a replica, naming the replicas', async () => {
    const cluster = await createCluster('refuse-db', 'async');
    const primary = primaryOf(cluster);

    await expect(
      backend.client().switchoverCluster(ref('refuse-db'), primary.name),
    ).rejects.toMatchObject({
      response: { status: 400 },
      body: {
        error: {
          message: expect.stringMatching(
            /^target: must be one of the replicas of payments\/refuse-db \(refuse-db-\d, refuse-db-\d\), got "refuse-db-\d"$/,
          ),
        },
      },
    });
  });

  it('brings the members of a lost node back on other nodes', async () => {
    const cluster = await createCluster('node-db', 'async');
    const old = primaryOf(cluster);
    const nodeDir = join(backend.rootDir, 'nodes', old.node);

    // The whole node goes at once: first its disk, so the controller never
    // sees the node without its processes and brings one back there; then
    // its processes (their command lines still name the old path) and the
    // volumes they held.
    renameSync(nodeDir, `${nodeDir}.lost`);
    try {
      await killProcessesUnder(nodeDir);
      await releaseVolumesUnder(`${nodeDir}.lost`);
      const after = await untilReady(
        backend.client(),
        ref('node-db'),
        3,
        c =>
          c.status!.instances.every(i => i.node !== old.node && i.ready) &&
          primaryOf(c)?.name !== old.name,
      );
      const nodes = after.status!.instances.map(i => i.node);
      expect(new Set(nodes).size).toBe(3);
      expect(nodes).not.toContain(old.node);
      expect(after.status!.lastFailover?.from).toBe(old.name);
    } finally {
      renameSync(`${nodeDir}.lost`, nodeDir);
    }
    // The node comes back with the old primary's data: it is not taken
    // back as a primary, and the cluster stays at its declared size.
    const settled = await untilReady(backend.client(), ref('node-db'), 3);
    expect(
      settled.status!.instances.filter(i => i.role === 'primary'),
    ).toHaveLength(1);
  });
});
