import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
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
  });

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
      capacity: { allocatedBytes: 0, usedBytes: 0 },
      throughput: { allocatedBytesPerSec: 0 },
      volumes: { count: 0, max: 64 },
    });
  });

  it('tells only totals, the same to a caller who may read no cluster', async () => {
    const asOwner = await backend.client().listPools();
    const asOutsider = await backend.client(OUTSIDER).listPools();
    expect(asOutsider.map(p => p.capacity.allocatedBytes)).toEqual(
      asOwner.map(p => p.capacity.allocatedBytes),
    );
    expect(JSON.stringify(asOutsider)).not.toContain('pools-db');
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
