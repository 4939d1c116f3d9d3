import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import { PoolStatus } from '@basalt/plugin-basalt-common';
import { throttleGroupName } from '../runtime/local/InstanceVolumes';
import { BlkioThrottle } from '../runtime/local/volumes/BlkioThrottle';
import {
  OUTSIDER,
  postgresManifest,
  untilReady,
  useTestBackend,
} from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

const GiB = 2 ** 30;
const MiB = 2 ** 20;

describe('GET /pools', () => {
  const backend = useTestBackend({
    ports: { from: 31700, to: 31799 },
    nodes: ['node-b', 'node-a'],
  });

  beforeAll(async () => {
    const client = backend.client();
    await client.applyCluster(
      postgresManifest('pools-db', {
        storage: { size: '2Gi', throughput: '20Mi', pool: 'default' },
      }),
    );
    await untilReady(client, { namespace: 'payments', name: 'pools-db' }, 1);
    // No throughput of its own: no limit. Placed once pools-db's volume
    // counts, so on the other node (more headroom).
    await client.applyCluster(
      postgresManifest('pools-free', {
        storage: { size: '1Gi', pool: 'default' },
      }),
    );
    await untilReady(client, { namespace: 'payments', name: 'pools-free' }, 1);
  });

  /** The read limits the kernel enforces on the instances of `cluster`. */
  async function enforcedLimits(cluster: string): Promise<number[]> {
    const found = await backend
      .client()
      .getCluster({ namespace: 'payments', name: cluster });
    const key = {
      namespace: 'payments',
      name: cluster,
      uid: found.metadata.uid,
    };
    return Promise.all(
      found.status!.instances.map(async instance => {
        const throttle = await BlkioThrottle.ensure({
          name: throttleGroupName(key, instance.name),
        });
        const limits = Object.values(await throttle.readLimits());
        return limits.reduce((sum, l) => sum + (l.readBytesPerSecond ?? 0), 0);
      }),
    );
  }

  it("shows each node's pool with what its volumes take", async () => {
    const pools = await backend.client().listPools();
    expect(pools.map(p => `${p.node}/${p.pool}`)).toEqual([
      'node-a/default',
      'node-b/default',
    ]);
    const [nodeA, nodeB] = pools;
    // The defaults: 100Gi at 250Mi/s, over-allocated 2.0 and 1.5 times.
    expect(nodeA).toMatchObject({
      capacity: {
        physicalBytes: 100 * GiB,
        allocatableBytes: 200 * GiB,
        allocatedBytes: 2 * GiB,
      },
      throughput: {
        physicalBytesPerSec: 250 * MiB,
        allocatableBytesPerSec: 375 * MiB,
        allocatedBytesPerSec: 20 * MiB,
      },
      volumes: { count: 1, max: 64 },
      overAllocation: { capacity: 2, throughput: 1.5 },
    });
    // PostgreSQL has written its data to the instance's own volume (as root
    // on Linux, like every volume test); that volume, never the host's
    // disk, is what counts as used.
    expect(nodeA.enforcement).toEqual({ enforced: true });
    expect(nodeA.capacity.usedBytes).toBeGreaterThan(0);
    expect(nodeA.capacity.usedBytes).toBeLessThanOrEqual(2 * GiB);
    expect(nodeB).toMatchObject({
      capacity: { allocatedBytes: GiB },
      throughput: { allocatedBytesPerSec: 0, unlimitedVolumes: 1 },
      volumes: { count: 1, max: 64 },
    });
  });

  it('reports as allocated throughput the limits the kernel enforces', async () => {
    const pools = await backend.client().listPools();
    const rate = (node: string) =>
      pools.find(p => p.node === node)!.throughput.allocatedBytesPerSec;
    // pools-db's 20Mi is its volume's blkio limit; pools-free has none
    // (blkio lists no rule), so it counts 0 and is counted as unlimited.
    expect(await enforcedLimits('pools-db')).toEqual([20 * MiB]);
    expect(rate('node-a')).toBe(20 * MiB);
    expect(await enforcedLimits('pools-free')).toEqual([0]);
    expect(rate('node-b')).toBe(0);
    expect(pools.map(p => p.throughput.unlimitedVolumes)).toEqual([0, 1]);
  });

  it('splits each pool by cluster, with instances and use', async () => {
    const pools = await backend.client().listPools();
    const [nodeA, nodeB] = pools;
    expect(nodeA.allocations).toEqual([
      {
        cluster: 'payments/pools-db',
        instances: ['pools-db-0'],
        volumes: 1,
        allocatedBytes: 2 * GiB,
        usedBytes: nodeA.capacity.usedBytes,
        allocatedBytesPerSec: 20 * MiB,
        unlimitedVolumes: 0,
      },
    ]);
    expect(nodeB.allocations).toEqual([
      expect.objectContaining({
        cluster: 'payments/pools-free',
        allocatedBytes: GiB,
        allocatedBytesPerSec: 0,
        unlimitedVolumes: 1,
      }),
    ]);
  });

  it('tells a caller who may read no cluster the same totals, naming none', async () => {
    const asOwner = await backend.client().listPools();
    const asOutsider = await backend.client(OUTSIDER).listPools();
    const totals = (pools: PoolStatus[]) =>
      pools.map(p => [p.capacity, p.throughput, p.volumes]);
    expect(totals(asOutsider)).toEqual(totals(asOwner));
    expect(JSON.stringify(asOutsider)).not.toContain('pools-');
    expect(asOutsider[0].allocations).toEqual([
      expect.objectContaining({
        instances: [],
        volumes: 1,
        allocatedBytes: 2 * GiB,
        allocatedBytesPerSec: 20 * MiB,
      }),
    ]);
    expect(asOutsider[0].allocations![0]).not.toHaveProperty('cluster');
  });

  it('is open to services and closed to anonymous callers', async () => {
    const asService = await request(backend.server)
      .get('/api/basalt/pools')
      .set('Authorization', mockCredentials.service.header());
    expect(asService.status).toBe(200);
    expect(asService.body.items).toHaveLength(2);
    const anonymous = await request(backend.server)
      .get('/api/basalt/pools')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });
});
