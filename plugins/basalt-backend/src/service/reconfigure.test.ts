import { ClusterEvent, ClusterResource } from '@basalt/plugin-basalt-common';
import { readFileSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import { connect, withoutProbeEvents } from '../__testUtils__/clusterApi';
import {
  postgresManifest,
  primaryOf,
  untilReady,
  useTestBackend,
} from '../__testUtils__/testBackend';
import { ContinuousWriter, missingWrites } from '../__testUtils__/writer';
import { eventually } from '../testUtils/eventually';

jest.setTimeout(120_000);

const REF = { namespace: 'payments', name: 'tuned-db' };

describe('reconfiguring a running cluster (spec.parameters)', () => {
  const backend = useTestBackend({
    ports: { from: 32400, to: 32499 },
    resync: true,
  });
  let cluster: ClusterResource;
  let writer: ContinuousWriter;

  beforeAll(async () => {
    const client = backend.client();
    await client.applyCluster(postgresManifest('tuned-db', { replicas: 2 }));
    cluster = await untilReady(client, REF, 2);
    writer = new ContinuousWriter(cluster);
    await writer.start();
    await writer.waitForWrites(20);
  });

  afterAll(() => writer?.stop());

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
            'payments/tuned-db',
            name,
            'server.pid',
          ),
          'utf8',
        ).trim(),
      ]),
    );

  /** What every instance says of a setting, by instance name. */
  const settingOnEach = async (name: string) => {
    const credentials = JSON.parse(
      readFileSync(cluster.status!.credentials!.location, 'utf8'),
    ).credentials;
    const current = await backend.client().getCluster(REF);
    return Object.fromEntries(
      await Promise.all(
        current.status!.instances.map(async instance => {
          const [host, port] = instance.address!.split(':');
          const client = new Client({
            host,
            port: Number(port),
            user: credentials.superuser.username,
            password: credentials.superuser.password,
            database: 'postgres',
          });
          await client.connect();
          try {
            const { rows } = await client.query(`show ${name}`);
            return [instance.name, rows[0][name]];
          } finally {
            await client.end();
          }
        }),
      ),
    );
  };

  const reconfigured = (after: ClusterEvent | undefined) =>
    eventually(
      async () => {
        const events = await backend
          .client()
          .listClusterEvents(REF, { limit: 50 });
        return withoutProbeEvents(events).find(
          e =>
            e.reason === 'Reconfigured' &&
            (!after || Number(e.id) > Number(after.id)),
        );
      },
      { what: 'the Reconfigured event' },
    );

  const apply = (parameters: Record<string, string>) =>
    backend
      .client()
      .applyCluster(postgresManifest('tuned-db', { replicas: 2, parameters }));

  it('reloads a dynamic parameter in place, restarting nothing', async () => {
    const before = pids();
    const [lastEvent] = await backend
      .client()
      .listClusterEvents(REF, { limit: 1 });
    const startedAt = Date.now();

    await apply({ statement_timeout: '30s' });
    const event = await reconfigured(lastEvent);
    expect(event!.message).toBe(
      'Applied the new configuration: reloaded statement_timeout (default → 30s) in place',
    );
    expect(await settingOnEach('statement_timeout')).toEqual(
      Object.fromEntries(Object.keys(before).map(name => [name, '30s'])),
    );
    const ready = await untilReady(backend.client(), REF, 2);
    expect(ready.status!.configuration).toMatchObject({
      parameters: { statement_timeout: '30s' },
      pendingRestart: [],
    });
    expect(pids()).toEqual(before);

    await writer.waitForWrites(20);
    // Measured, not asserted: how long the writer waited at most.
    // eslint-disable-next-line no-console
    console.info(
      `dynamic reconfigure: longest writer pause ${writer.longestPauseMs(
        startedAt,
      )} ms`,
    );
  });

  it('applies a static parameter with a rolling restart and a switchover, losing no write', async () => {
    const primary = primaryOf(await backend.client().getCluster(REF));
    const [lastEvent] = await backend
      .client()
      .listClusterEvents(REF, { limit: 1 });
    const startedAt = Date.now();

    await apply({ statement_timeout: '30s', max_connections: '150' });
    const event = await reconfigured(lastEvent);
    expect(event!.message).toBe(
      'Applied the new configuration: max_connections (default → 150) take a restart: rolling restart requested (replicas first, then a switchover)',
    );
    // Until the rolling restart is done, the status says what waits for it.
    const recorded = await eventually(
      async () => {
        const { configuration } = (await backend.client().getCluster(REF))
          .status!;
        return configuration?.parameters.max_connections === '150'
          ? configuration
          : undefined;
      },
      { what: 'the new configuration on the status' },
    );
    expect(recorded.resources).toEqual({ class: 's' });
    const after = await untilReady(
      backend.client(),
      REF,
      2,
      c =>
        c.status!.phase === 'Running' &&
        c.status!.configuration?.pendingRestart.length === 0 &&
        c.status!.lastFailover?.reason ===
          'the primary’s turn in a rolling restart',
    );
    expect(after.status!.lastFailover).toMatchObject({
      kind: 'switchover',
      from: primary.name,
    });
    expect(await settingOnEach('max_connections')).toEqual(
      Object.fromEntries(after.status!.instances.map(i => [i.name, '150'])),
    );

    await writer.waitForWrites(20);
    const client = await connect(after, 'readWrite');
    try {
      expect(await missingWrites(client, writer.acknowledged)).toEqual([]);
    } finally {
      await client.end();
    }
    // eslint-disable-next-line no-console
    console.info(
      `static reconfigure (rolling restart, switchover ${
        after.status!.lastFailover!.durationMs
      } ms): longest writer pause ${writer.longestPauseMs(startedAt)} ms`,
    );
  });

  it('restarts the primary first when replicas could not run with less than it', async () => {
    const [lastEvent] = await backend
      .client()
      .listClusterEvents(REF, { limit: 1 });
    await apply({ statement_timeout: '30s', max_connections: '120' });
    const event = await reconfigured(lastEvent);
    expect(event!.message).toBe(
      'Applied the new configuration: max_connections (150 → 120) take a restart: rolling restart requested (the primary first, as its replicas cannot run with less than it has, then the replicas)',
    );
    const after = await untilReady(
      backend.client(),
      REF,
      2,
      c =>
        c.status!.phase === 'Running' &&
        c.status!.configuration?.pendingRestart.length === 0,
    );
    expect(await settingOnEach('max_connections')).toEqual(
      Object.fromEntries(after.status!.instances.map(i => [i.name, '120'])),
    );
    const events = await backend.client().listClusterEvents(REF, { limit: 50 });
    const restarts = withoutProbeEvents(events)
      .filter(e => Number(e.id) > Number(lastEvent.id))
      .filter(e => e.reason === 'InstanceRestarted')
      .reverse()
      .map(e => e.message.replace(/ on node-\w in \d+ ms$/, ''));
    const primary = primaryOf(after);
    expect(restarts[0]).toBe(`Restarted instance ${primary.name} (primary)`);
    expect(restarts).toHaveLength(2);
    // Down on purpose while it restarted: not lost, so no failover.
    const reasons = events
      .filter(e => Number(e.id) > Number(lastEvent.id))
      .map(e => e.reason);
    expect(reasons).not.toContain('Failover');
  });

  it('refuses a parameter change the definitions do not allow, keeping the cluster as it is', async () => {
    await expect(apply({ max_connections: 'lots' })).rejects.toMatchObject({
      statusCode: 400,
    });
    const current = await backend.client().getCluster(REF);
    expect(current.spec.parameters).toEqual({
      statement_timeout: '30s',
      max_connections: '120',
    });
  });
});
