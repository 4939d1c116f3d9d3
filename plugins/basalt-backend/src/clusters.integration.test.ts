import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  ClusterResource,
  EngineClusterStatus,
} from '@basalt/plugin-basalt-common';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  chmodSync,
} from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import request from 'supertest';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { basaltPlugin } from './plugin';
import { basaltModuleEnginePostgresql } from './engines/postgresql';
import {
  connect,
  waitReady,
  withoutProbeEvents,
} from './__testUtils__/clusterApi';
import { eventually } from './testUtils/eventually';
import { killProcessesUnder } from './testUtils/killProcessesUnder';

jest.setTimeout(120_000);

const REF = 'payments/payments-db';
const manifest = (replicas: number) => ({
  apiVersion: 'basalt.dev/v1alpha1',
  kind: 'EngineCluster',
  metadata: { name: 'payments-db', namespace: 'payments' },
  spec: {
    engine: 'postgresql',
    replicas,
    databases: ['payments'],
    accounts: [{ name: 'app', databases: ['payments'] }],
    terminationPolicy: 'Delete',
  },
});

/** Pids of the instances' postmasters, from their postmaster.pid files. */
function postmasterPids(rootDir: string): number[] {
  const out = require('child_process')
    .execFileSync('sh', [
      '-c',
      `cat $(find ${rootDir} -name postmaster.pid) 2>/dev/null | awk 'NR%8==1' || true`,
    ])
    .toString();
  return out.split('\n').filter(Boolean).map(Number).sort();
}

/** Paths under `dir` whose last part matches `pattern`. */
function entriesNamed(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    const here = pattern.test(entry.name) ? [path] : [];
    return entry.isDirectory()
      ? [...here, ...entriesNamed(path, pattern)]
      : here;
  });
}

/**
 * What applying a manifest can change in a status: all but what the probes
 * see from moment to moment (readiness, lag and the phase and conditions
 * that follow them), which one slow probe on a loaded machine can flip.
 */
function declaredPart(status: EngineClusterStatus) {
  const { phase, conditions, instances, ...rest } = status;
  return {
    ...rest,
    conditions: conditions.map(({ type, observedGeneration }) => ({
      type,
      observedGeneration,
    })),
    instances: instances.map(
      ({ ready, lag, lagBytes, ...instance }) => instance,
    ),
  };
}

describe('clusters on the local runtime (real PostgreSQL)', () => {
  let rootDir: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;

  const start = async () =>
    startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        // The real scheduler, so the periodic resync runs as in production.
        schedulerServiceFactory,
        // Warnings and errors of the controller show in the test output.
        mockServices.rootLogger.factory({ level: 'info' }),
        mockServices.rootConfig.factory({
          data: {
            // A file database, so the second backend finds what the first stored.
            backend: {
              database: {
                client: 'better-sqlite3',
                connection: { directory: join(rootDir, 'sqlite') },
              },
            },
            basalt: {
              controller: { resyncInterval: '1s' },
              runtimes: {
                local: {
                  rootDir,
                  nodes: ['node-a', 'node-b', 'node-c'],
                  ports: { from: 32300, to: 32399 },
                },
              },
            },
          },
        }),
      ],
    });

  beforeAll(async () => {
    rootDir = mkdtempSync(join(tmpdir(), 'basalt-it-'));
    chmodSync(rootDir, 0o755);
    backend = await start();
  });

  afterAll(async () => {
    await backend?.stop();
    await killProcessesUnder(rootDir);
    rmSync(rootDir, { recursive: true, force: true });
  });

  let cluster: ClusterResource;

  it('creates a 3-instance cluster: writes through read-write, reads from a replica through read-only', async () => {
    const created = await request(backend!.server)
      .post('/api/basalt/clusters')
      .send(manifest(3));
    expect(created.status).toBe(201);
    expect(created.body.metadata.generation).toBe(1);

    cluster = await waitReady(backend!.server, REF, 3);
    expect(cluster.status!.instances.map(i => i.role).sort()).toEqual([
      'primary',
      'replica',
      'replica',
    ]);
    expect(new Set(cluster.status!.instances.map(i => i.node)).size).toBe(3);
    expect(cluster.status!.credentials!.location.startsWith(rootDir)).toBe(
      true,
    );
    expect(statSync(cluster.status!.credentials!.location).mode & 0o777).toBe(
      0o600,
    );
    expect(JSON.stringify(created.body) + JSON.stringify(cluster)).not.toMatch(
      /password/i,
    );

    const writer = await connect(cluster, 'readWrite');
    await writer.query('CREATE TABLE ledger (id int primary key, note text)');
    await writer.query("INSERT INTO ledger VALUES (1, 'first payment')");
    expect(
      (await writer.query('SELECT pg_is_in_recovery() AS r')).rows[0].r,
    ).toBe(false);
    await writer.end();

    const reader = await connect(cluster, 'readOnly');
    expect(
      (await reader.query('SELECT pg_is_in_recovery() AS r')).rows[0].r,
    ).toBe(true);
    const row = await eventually(
      async () =>
        (
          await reader
            .query('SELECT note FROM ledger WHERE id = 1')
            .catch(() => ({ rows: [] }))
        ).rows[0],
      { what: 'the row to reach the replica' },
    );
    expect(row.note).toBe('first payment');
    await reader.end();

    const { body: events } = await request(backend!.server).get(
      `/api/basalt/clusters/${REF}/events`,
    );
    expect(events.items.map((e: { reason: string }) => e.reason)).toEqual(
      expect.arrayContaining(['InstanceCreated', 'Ready']),
    );
  });

  it('applies the same manifest again without a new generation or any change', async () => {
    const get = async () =>
      (await request(backend!.server).get(`/api/basalt/clusters/${REF}`))
        .body as ClusterResource;
    const events = async () =>
      (await request(backend!.server).get(`/api/basalt/clusters/${REF}/events`))
        .body.items;
    // Start from the settled state: the replicas have replayed the writes
    // above, so their observed lag is 0.
    const settled = await eventually(
      async () => {
        const current = await get();
        return current.status!.instances.every(i => !i.lag?.bytes)
          ? current
          : undefined;
      },
      { what: 'the replicas to catch up' },
    );
    const eventsBefore = await events();

    const again = await request(backend!.server)
      .post('/api/basalt/clusters')
      .send(manifest(3));
    expect(again.status).toBe(200);
    expect(again.body.metadata.generation).toBe(1);

    // Several resyncs (one a second) later, nothing was written.
    await new Promise(resolve => setTimeout(resolve, 3000));
    expect(declaredPart((await get()).status!)).toEqual(
      declaredPart(settled.status!),
    );
    expect(withoutProbeEvents(await events())).toEqual(
      withoutProbeEvents(eventsBefore),
    );
  });

  it('scales 3 → 1 → 2', async () => {
    await request(backend!.server)
      .post('/api/basalt/clusters')
      .send(manifest(1))
      .expect(200);
    const one = await waitReady(backend!.server, REF, 1);
    expect(one.metadata.generation).toBe(2);
    expect(one.status!.instances).toEqual([
      expect.objectContaining({ name: 'payments-db-0', role: 'primary' }),
    ]);
    expect(postmasterPids(rootDir)).toHaveLength(1);

    await request(backend!.server)
      .post('/api/basalt/clusters')
      .send(manifest(2))
      .expect(200);
    cluster = await waitReady(backend!.server, REF, 2);
    expect(cluster.status!.instances.map(i => `${i.name}:${i.role}`)).toEqual([
      'payments-db-0:primary',
      'payments-db-1:replica',
    ]);
  });

  it('re-adopts every instance after a backend restart, creating nothing twice', async () => {
    const before = postmasterPids(rootDir);
    expect(before).toHaveLength(2);
    await backend!.stop();
    backend = await start();

    const after = await waitReady(backend.server, REF, 2);
    expect(postmasterPids(rootDir)).toEqual(before);
    expect(after.status!.instances.map(i => i.name)).toEqual([
      'payments-db-0',
      'payments-db-1',
    ]);
    // The new backend re-opens the endpoints on the same ports.
    const writer = await eventually(() => connect(after, 'readWrite'), {
      what: 'the read-write endpoint after the restart',
    });
    expect(
      (await writer.query('SELECT count(*)::int AS n FROM ledger')).rows[0].n,
    ).toBe(1);
    await writer.end();
  });

  it('reports an engine that fails to start with its log tail, leaving nothing half-made', async () => {
    const broken = {
      apiVersion: 'basalt.dev/v1alpha1',
      kind: 'EngineCluster',
      metadata: { name: 'broken-db', namespace: 'payments' },
      spec: {
        engine: 'postgresql',
        // Admitted (in range), but more shared memory than this host has.
        parameters: { shared_buffers: '1TB' },
        terminationPolicy: 'Delete',
      },
    };
    await request(backend!.server)
      .post('/api/basalt/clusters')
      .send(broken)
      .expect(201);

    const degraded = await eventually(
      async () => {
        const { body } = await request(backend!.server).get(
          '/api/basalt/clusters/payments/broken-db',
        );
        return body.status?.conditions.find(
          (c: any) => c.type === 'Degraded' && c.status === 'True',
        );
      },
      { what: 'the Degraded condition' },
    );
    // The same spec would fail the same way: it waits for a new one.
    expect(degraded.reason).toBe('ConfigurationRejected');
    expect(degraded.message).toMatch(
      /^Could not create instance broken-db-0 on node-\w+ as primary: the engine refuses the cluster's configuration \(could not map anonymous shared memory: .*\); nothing is retried until the spec changes\./,
    );
    expect(degraded.message).toContain('shared_buffers');

    // A new generation is tried at once.
    await request(backend!.server)
      .post('/api/basalt/clusters')
      .send({
        ...broken,
        spec: { ...broken.spec, parameters: { shared_buffers: '64MB' } },
      })
      .expect(200);
    await eventually(
      async () => {
        const { body } = await request(backend!.server).get(
          '/api/basalt/clusters/payments/broken-db',
        );
        return body.status?.phase === 'Running' || undefined;
      },
      { what: 'broken-db to run with its new spec' },
    );

    await request(backend!.server)
      .delete('/api/basalt/clusters/payments/broken-db')
      .expect(202);
    await eventually(
      async () =>
        (
          await request(backend!.server).get(
            '/api/basalt/clusters/payments/broken-db',
          )
        ).status === 404 || undefined,
      { what: 'broken-db to be gone' },
    );
    expect(entriesNamed(rootDir, /^broken-db/)).toEqual([]);
  });

  it('deletes: no process, no endpoint, no directory left', async () => {
    const deleted = await request(backend!.server).delete(
      `/api/basalt/clusters/${REF}`,
    );
    expect(deleted.status).toBe(202);
    expect(deleted.body.metadata.deletionTimestamp).toEqual(expect.any(String));

    await eventually(
      async () =>
        (
          await request(backend!.server).get(`/api/basalt/clusters/${REF}`)
        ).status === 404
          ? true
          : undefined,
      { what: 'the cluster to be gone' },
    );
    expect(postmasterPids(rootDir)).toEqual([]);
    expect(entriesNamed(rootDir, /^payments-db/)).toEqual([]);
    expect(existsSync(cluster.status!.credentials!.location)).toBe(false);
    await expect(connect(cluster, 'readWrite')).rejects.toThrow();
  });
});
