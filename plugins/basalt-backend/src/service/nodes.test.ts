import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  OUTSIDER,
  postgresManifest,
  untilReady,
  useTestBackend,
} from '../__testUtils__/testBackend';

jest.setTimeout(60_000);

describe('GET /nodes', () => {
  const backend = useTestBackend({
    ports: { from: 30500, to: 30599 },
    nodes: ['node-c', 'node-a', 'node-b'],
  });

  beforeAll(async () => {
    const client = backend.client();
    await client.applyCluster(postgresManifest('nodes-db', { replicas: 2 }));
    await untilReady(client, { namespace: 'payments', name: 'nodes-db' }, 2);
  });

  it('lists every node with the instances on it, sorted', async () => {
    const nodes = await backend.client().listNodes();
    expect(nodes.map(node => node.name)).toEqual([
      'node-a',
      'node-b',
      'node-c',
    ]);
    expect(nodes.every(n => n.runtime === 'local' && n.ready)).toBe(true);
    const instances = nodes.flatMap(node =>
      node.instances.map(instance => ({ node: node.name, ...instance })),
    );
    // Placement fills the least loaded nodes first, by name.
    expect(instances).toEqual([
      {
        node: 'node-a',
        cluster: 'payments/nodes-db',
        instance: 'nodes-db-0',
        engine: 'postgresql',
        role: 'primary',
        ready: true,
      },
      {
        node: 'node-b',
        cluster: 'payments/nodes-db',
        instance: 'nodes-db-1',
        engine: 'postgresql',
        role: 'replica',
        ready: true,
      },
    ]);
  });

  it('hides the instances of clusters the caller may not read', async () => {
    const nodes = await backend.client(OUTSIDER).listNodes();
    expect(nodes.map(node => node.name)).toEqual([
      'node-a',
      'node-b',
      'node-c',
    ]);
    expect(nodes.flatMap(node => node.instances)).toEqual([]);
  });

  it('is open to services and closed to anonymous callers', async () => {
    const asService = await request(backend.server)
      .get('/api/basalt/nodes')
      .set('Authorization', mockCredentials.service.header());
    expect(asService.status).toBe(200);
    expect(asService.body.items).toHaveLength(3);
    const anonymous = await request(backend.server)
      .get('/api/basalt/nodes')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });
});
