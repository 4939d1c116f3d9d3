import { ClusterEvent } from '@basalt/plugin-basalt-common';
import request from 'supertest';
import {
  postgresManifest,
  untilReady,
  useTestBackend,
} from '../__testUtils__/testBackend';
import { withoutProbeEvents } from '../__testUtils__/clusterApi';

jest.setTimeout(90_000);

const REF = { namespace: 'payments', name: 'scale-db' };
const PATH = '/api/basalt/clusters/payments/scale-db/scale';

describe('POST /clusters/:namespace/:name/scale', () => {
  const backend = useTestBackend({
    ports: { from: 30700, to: 30799 },
    deniedClusters: ['payments/locked-cache'],
  });

  beforeAll(async () => {
    const client = backend.client();
    await client.applyCluster(postgresManifest('scale-db', { replicas: 1 }));
    await untilReady(client, REF, 1);
  });

  const reasons = (events: ClusterEvent[]) =>
    events.map(e => `${e.reason}: ${e.message}`);

  it('scales 1 → 2 → 1: clones a replica, then removes it and keeps the primary', async () => {
    const client = backend.client();
    const up = await client.scaleCluster(REF, 2);
    expect(up.spec.replicas).toBe(2);
    expect(up.metadata.generation).toBe(2);
    const two = await untilReady(client, REF, 2);
    expect(two.status!.instances.map(i => `${i.name}:${i.role}`)).toEqual([
      'scale-db-0:primary',
      'scale-db-1:replica',
    ]);

    const down = await request(backend.server).post(PATH).send({ replicas: 1 });
    expect(down.status).toBe(200);
    expect(down.body.metadata.generation).toBe(3);
    const one = await untilReady(client, REF, 1);
    expect(one.status!.instances).toEqual([
      expect.objectContaining({ name: 'scale-db-0', role: 'primary' }),
    ]);

    const events = reasons(await client.listClusterEvents(REF, { limit: 20 }));
    expect(events).toEqual(
      expect.arrayContaining([
        'ScaleRequested: Scaling from 1 to 2 instances, requested by user:default/mock',
        'ScaleRequested: Scaling from 2 to 1 instances, requested by user:default/mock',
        // Creating it is an operation, with an event at each end.
        expect.stringMatching(
          /^CreatingInstance: Creating instance scale-db-1 on node-\w as replica, cloning from scale-db-0$/,
        ),
        expect.stringMatching(
          /^InstanceCreated: Created instance scale-db-1 on node-\w as replica$/,
        ),
        expect.stringMatching(
          /^InstanceRemoved: Removed instance scale-db-1 from node-\w$/,
        ),
      ]),
    );
  });

  it('changes nothing when the count is the same', async () => {
    const client = backend.client();
    const latest = async () =>
      withoutProbeEvents(await client.listClusterEvents(REF, { limit: 20 }))[0];
    const before = await latest();
    const same = await client.scaleCluster(REF, 1);
    expect(same.metadata.generation).toBe(3);
    expect(await latest()).toEqual(before);
  });

  it('validates the count as the manifest would, naming the field', async () => {
    const message = async (body: object, path = PATH) => {
      const response = await request(backend.server).post(path).send(body);
      expect(response.status).toBe(400);
      return response.body.error.message;
    };
    expect(await message({ replicas: 10 })).toBe(
      'Invalid EngineCluster manifest: spec.replicas: must be at most 9',
    );
    expect(await message({ replicas: 0 })).toContain(
      'spec.replicas: must be at least 1',
    );
    expect(await message({ replicas: 1.5 })).toContain('spec.replicas:');
    expect(await message({ replicas: '2' })).toBe(
      'replicas: must be a number of instances, e.g. {"replicas": 3}; got "2"',
    );
    expect(await message({})).toBe(
      'replicas: must be a number of instances, e.g. {"replicas": 3}; got none',
    );

    // The manifest's other rules hold too: sync replication needs 2.
    await backend.client().applyCluster({
      ...postgresManifest('sync-cache'),
      spec: { engine: 'postgresql', replicas: 2, ha: { replication: 'sync' } },
    });
    expect(
      await message(
        { replicas: 1 },
        '/api/basalt/clusters/payments/sync-cache/scale',
      ),
    ).toBe(
      'Invalid EngineCluster manifest: spec.ha.replication: sync needs at least 2 replicas (spec.replicas is 1)',
    );
    expect((await backend.client().getCluster(REF)).spec.replicas).toBe(1);
  });

  it('answers 403 without update permission and 404 for an unknown cluster', async () => {
    await backend.client().applyCluster(postgresManifest('locked-cache'));
    await expect(
      backend
        .client()
        .scaleCluster({ namespace: 'payments', name: 'locked-cache' }, 2),
    ).rejects.toMatchObject({ statusCode: 403 });
    await expect(
      backend.client().scaleCluster({ namespace: 'payments', name: 'nope' }, 2),
    ).rejects.toMatchObject({ statusCode: 404 });
  });
});
