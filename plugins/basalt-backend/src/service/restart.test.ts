import { ClusterEvent, ClusterResource } from '@basalt/plugin-basalt-common';
import { readFileSync } from 'fs';
import { join } from 'path';
import request from 'supertest';
import { connect, withoutProbeEvents } from '../__testUtils__/clusterApi';
import {
  postgresManifest,
  primaryOf,
  untilReady,
  useTestBackend,
} from '../__testUtils__/testBackend';
import { eventually } from '../testUtils/eventually';

jest.setTimeout(90_000);

const REF = { namespace: 'payments', name: 'restart-db' };
const PATH = '/api/basalt/clusters/payments/restart-db/restart';

describe('POST /clusters/:namespace/:name/restart', () => {
  const backend = useTestBackend({
    ports: { from: 30600, to: 30699 },
    deniedClusters: ['payments/locked-db'],
    resync: true,
  });
  let cluster: ClusterResource;

  beforeAll(async () => {
    const client = backend.client();
    await client.applyCluster(postgresManifest('restart-db', { replicas: 3 }));
    cluster = await untilReady(client, REF, 3);
  });

  /** Each instance's server pid, by instance name. */
  const pids = () =>
    Object.fromEntries(
      cluster.status!.instances.map(({ name, node }) => [
        name,
        readFileSync(
          join(
            backend.rootDir,
            'nodes',
            node,
            'payments/restart-db',
            name,
            'server.pid',
          ),
          'utf8',
        ).trim(),
      ]),
    );

  /** Events since `after` (exclusive), oldest first. */
  const eventsSince = async (after?: ClusterEvent) => {
    const items = await backend.client().listClusterEvents(REF, { limit: 100 });
    const newer = after
      ? items.filter(e => Number(e.id) > Number(after.id))
      : items;
    return withoutProbeEvents(newer).reverse();
  };

  it('restarts every instance, replicas first and one at a time, and returns to Ready', async () => {
    const client = backend.client();
    const before = pids();
    const [lastEvent] = await client.listClusterEvents(REF, { limit: 1 });

    const response = await request(backend.server).post(PATH).send({});
    expect(response.status).toBe(202);
    expect(response.body.metadata).toMatchObject({
      name: 'restart-db',
      generation: 1,
    });

    const restarting = await eventually(
      async () => {
        const current = await client.getCluster(REF);
        return current.status?.conditions.find(
          c => c.type === 'Progressing' && c.reason === 'Restarting',
        );
      },
      { what: 'Progressing=Restarting' },
    );
    expect(restarting).toMatchObject({
      status: 'True',
      message: expect.stringMatching(
        /^Rolling restart, replicas first: \d of 3 instances restarted$/,
      ),
    });

    await eventually(
      async () =>
        (await eventsSince(lastEvent)).some(e => e.reason === 'Restarted') ||
        undefined,
      { what: 'the Restarted event' },
    );
    // The Restarted event is recorded before that reconcile writes status.
    const after = await eventually(
      async () => {
        const current = await untilReady(client, REF, 3);
        return current.status?.phase === 'Running' ? current : undefined;
      },
      { what: 'phase Running after the restart' },
    );
    expect(after.status!.phase).toBe('Running');
    expect(
      after.status!.conditions.find(c => c.type === 'Progressing'),
    ).toMatchObject({ status: 'False', reason: 'Reconciled' });

    const now = pids();
    for (const name of Object.keys(before)) {
      expect(now[name]).not.toBe(before[name]);
    }
    const events = (await eventsSince(lastEvent)).map(
      e =>
        `${e.reason}: ${e.message
          .replace(/ on node-\w in \d+ ms$/, '')
          .replace(/ in \d+ ms \(.*$/, '')}`,
    );
    const primary = primaryOf(cluster);
    const replicas = cluster
      .status!.instances.filter(i => i.role === 'replica')
      .map(i => i.name)
      .sort();
    // The primary's turn is a switchover to the most advanced replica; it
    // then starts again as a replica.
    const switchover = events.find(e => e.startsWith('Switchover:'));
    expect(events).toEqual([
      'RestartRequested: Rolling restart requested by user:default/mock: replicas first, one at a time, then the primary by a switchover where it has replicas',
      `InstanceRestarted: Restarted instance ${replicas[0]} (replica)`,
      `InstanceRestarted: Restarted instance ${replicas[1]} (replica)`,
      expect.stringMatching(
        new RegExp(
          `^Switchover: Switched over from ${primary.name} to (${replicas.join(
            '|',
          )})$`,
        ),
      ),
      'Restarted: Restarted all 3 instances, replicas first',
    ]);
    expect(after.status!.lastFailover).toMatchObject({
      kind: 'switchover',
      from: primary.name,
      reason: 'the primary’s turn in a rolling restart',
    });
    expect(switchover).toBeDefined();

    const writer = await connect(after, 'readWrite');
    await expect(writer.query('SELECT 1 AS one')).resolves.toMatchObject({
      rows: [{ one: 1 }],
    });
    await writer.end();
  });

  it('restarts nothing more on later reconciles', async () => {
    const before = pids();
    const [lastEvent] = await backend
      .client()
      .listClusterEvents(REF, { limit: 1 });
    // Several resyncs (one a second) later:
    await new Promise(resolve => setTimeout(resolve, 2500));
    expect(pids()).toEqual(before);
    expect(await eventsSince(lastEvent)).toEqual([]);
  });

  it('answers 403 without update permission and 404 for an unknown cluster', async () => {
    // The policy refuses before anything is done to the cluster.
    await backend.client().applyCluster(postgresManifest('locked-db'));
    await expect(
      backend
        .client()
        .restartCluster({ namespace: 'payments', name: 'locked-db' }),
    ).rejects.toMatchObject({
      statusCode: 403,
      body: {
        error: {
          message:
            'Not allowed: basalt.cluster.update on EngineCluster payments/locked-db',
        },
      },
    });
    await expect(
      backend.client().restartCluster({ namespace: 'payments', name: 'nope' }),
    ).rejects.toMatchObject({ statusCode: 404 });
  });
});
