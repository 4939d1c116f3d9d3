import {
  BasaltClient,
  ClusterResource,
  EngineClusterInput,
} from '@basalt/plugin-basalt-common';
import { ClusterKey } from '@basalt/plugin-basalt-node';
import {
  MEMORY_LOG_FILE_WRITES,
  MemoryBackend,
  MemoryRuntime,
  MemoryWorld,
  startMemoryBackend,
} from '../__testUtils__/memory';
import {
  clientOf,
  primaryOf,
  untilBackupFinished,
  untilReady,
  untilRestored,
} from '../__testUtils__/testBackend';
import { eventually } from '../testUtils/eventually';
import { BackupRepositories } from './BackupRepositories';
import { logPrefix } from './backupKeys';

jest.setTimeout(60_000);

/*
 * Log archiving for an engine whose log Basalt streams from the primary
 * (`logArchiving: 'streamed'`), on the in-memory engine through a real
 * backend: the archive follows the primary across a failover, and
 * point-in-time restores replay it. PostgreSQL's pushed archiving has its
 * own tests with the real engine (backups.integration.test.ts).
 */
describe('streamed log archiving (in-memory engine)', () => {
  let memory: MemoryBackend;
  let world: MemoryWorld;
  let runtime: MemoryRuntime;
  let repositories: BackupRepositories;
  let client: BasaltClient;

  beforeAll(async () => {
    memory = await startMemoryBackend({
      basalt: { backups: { logArchiveInterval: { milliseconds: 200 } } },
    });
    ({ world, runtime } = memory);
    repositories = new BackupRepositories({
      default: { type: 'filesystem', path: memory.backupsDir },
    });
    client = clientOf(memory.backend.server);
  });

  afterAll(() => memory?.stop());

  const ref = (name: string) => ({ namespace: 'payments', name });
  const keyOf = (cluster: ClusterResource): ClusterKey => ({
    namespace: cluster.metadata.namespace,
    name: cluster.metadata.name,
    uid: cluster.metadata.uid,
  });

  async function created(
    name: string,
    spec: Partial<EngineClusterInput['spec']> = {},
  ) {
    await client.applyCluster({
      apiVersion: 'basalt.dev/v1alpha1',
      kind: 'EngineCluster',
      metadata: ref(name),
      spec: { engine: 'memory', terminationPolicy: 'Delete', ...spec },
    });
    return untilReady(client, ref(name), spec.replicas ?? 1);
  }

  /** The names of the cluster's archived log files, in name order. */
  async function archived(cluster: ClusterResource): Promise<string[]> {
    const prefix = logPrefix(keyOf(cluster));
    const objects = await repositories.get('default').list(prefix);
    return objects.map(object => object.key.slice(prefix.length)).sort();
  }

  /** Resolves once the archive holds exactly `count` files. */
  function untilArchived(cluster: ClusterResource, count: number) {
    return eventually(
      async () => {
        const names = await archived(cluster);
        return names.length >= count ? names : undefined;
      },
      { what: `${count} archived log files of ${cluster.metadata.name}` },
    );
  }

  const writes = (files: number) => files * MEMORY_LOG_FILE_WRITES;

  it('archives each completed log file once, from the primary and then from the new one after a failover', async () => {
    const cluster = await created('ledger', { replicas: 3 });
    const key = keyOf(cluster);
    const first = primaryOf(cluster).name;

    world.write(runtime.addressOf(key, first), writes(2) + 2);
    expect(await untilArchived(cluster, 2)).toEqual([
      'log-00000001',
      'log-00000002',
    ]);

    runtime.crash(key, first);
    const failedOver = await untilReady(
      client,
      ref('ledger'),
      3,
      current => primaryOf(current).name !== first,
    );
    const second = primaryOf(failedOver).name;
    // The new primary has the 2 writes of the third file already.
    world.write(runtime.addressOf(key, second), writes(2) - 2);

    expect(await untilArchived(cluster, 4)).toEqual([
      'log-00000001',
      'log-00000002',
      'log-00000003',
      'log-00000004',
    ]);
  });

  it('restores to a point in time by replaying the streamed log onto a physical backup', async () => {
    const cluster = await created('orders', { databases: ['orders'] });
    const primary = runtime.addressOf(keyOf(cluster), primaryOf(cluster).name);
    world.write(primary, 3);
    const started = await client.createBackup(ref('orders'), {
      method: 'physical',
    });
    const backup = await untilBackupFinished(client, ref('orders'), started.id);
    expect(backup).toMatchObject({ phase: 'Completed', log: { start: '3' } });

    world.write(primary, writes(2) - 3);
    await untilArchived(cluster, 2);
    const target = new Date().toISOString();
    // Archived files record when they completed: the next is later.
    await eventually(async () =>
      Date.now() > Date.parse(target) ? true : undefined,
    );
    world.write(primary, writes(1));
    await untilArchived(cluster, 3);

    await client.restoreCluster(ref('orders'), {
      name: 'orders-then',
      time: target,
    });
    await client.restoreCluster(ref('orders'), { name: 'orders-now' });
    const positionOf = async (name: string) => {
      const restored = await untilRestored(client, ref(name));
      const address = runtime.addressOf(
        keyOf(restored),
        primaryOf(restored).name,
      );
      return world.serving(address)?.position;
    };
    expect(await positionOf('orders-then')).toBe(writes(2));
    expect(await positionOf('orders-now')).toBe(writes(3));
  });

  it('stops streaming a deleted cluster', async () => {
    const cluster = await created('scratch');
    const primary = runtime.addressOf(keyOf(cluster), primaryOf(cluster).name);
    world.write(primary, writes(1));
    await untilArchived(cluster, 1);

    await client.deleteCluster(ref('scratch'));
    await eventually(async () =>
      (await client.listClusters()).some(c => c.metadata.name === 'scratch')
        ? undefined
        : true,
    );

    // No backup to replay it onto: the archive went with the cluster.
    expect(await archived(cluster)).toEqual([]);
  });
});
