import {
  ClusterLogLine,
  ClusterLogsQuery,
  ClusterResource,
} from '@basalt/plugin-basalt-common';
import { Client } from 'pg';
import request from 'supertest';
import { connect } from '../__testUtils__/clusterApi';
import {
  OUTSIDER,
  postgresManifest,
  untilReady,
  useTestBackend,
} from '../__testUtils__/testBackend';
import { eventually } from '../testUtils/eventually';

jest.setTimeout(60_000);

const REF = { namespace: 'payments', name: 'logs-db' };
const PATH = '/api/basalt/clusters/payments/logs-db/logs';
const noLines = { onLine: () => {} };

describe('GET /clusters/:namespace/:name/logs', () => {
  const backend = useTestBackend({ ports: { from: 30400, to: 30499 } });
  let cluster: ClusterResource;
  let primary: string;
  let replica: string;

  beforeAll(async () => {
    const client = backend.client();
    await client.applyCluster(postgresManifest('logs-db', { replicas: 2 }));
    cluster = await untilReady(client, REF, 2);
    const role = (name: string) =>
      cluster.status!.instances.find(i => i.role === name)!.name;
    primary = role('primary');
    replica = role('replica');
  });

  // Every stream a test opens is aborted after it, even when it failed.
  const opened: AbortController[] = [];
  afterEach(() => opened.splice(0).forEach(abort => abort.abort()));

  /** Streams into an array until aborted; `done` settles when it ends. */
  function stream(query: ClusterLogsQuery) {
    const abort = new AbortController();
    opened.push(abort);
    const lines: ClusterLogLine[] = [];
    const done = backend
      .client()
      .streamClusterLogs(
        REF,
        query,
        { onLine: line => lines.push(line) },
        { signal: abort.signal },
      );
    return { lines, done, abort };
  }

  it("sends an instance's tail, then the lines it writes, with their level and time", async () => {
    const { lines, done, abort } = stream({ instance: primary, tail: 3 });
    await eventually(async () => (lines.length >= 3 ? true : undefined), {
      what: 'the tail',
    });
    expect(lines.slice(0, 3).every(line => line.instance === primary)).toBe(
      true,
    );

    const writer = await connect(cluster, 'readWrite');
    await writer.query("DO $$ BEGIN RAISE LOG 'marker-xyz'; END $$");
    await writer.end();
    const [host, port] = cluster.status!.endpoints.readWrite!.split(':');
    const intruder = new Client({
      host,
      port: Number(port),
      user: 'app',
      password: 'not-the-password',
      database: 'postgres',
    });
    await expect(intruder.connect()).rejects.toThrow(/password/);

    // This failed login's line, not an earlier FATAL the tail may hold
    // (a probe's "starting up"); the marker was logged before it.
    const fatal = await eventually(
      async () =>
        lines.find(
          line =>
            line.level === 'fatal' &&
            line.message.includes('password authentication failed'),
        ),
      { what: 'the failed login in the log' },
    );
    const marker = lines.find(line => line.message.includes('marker-xyz'));
    expect(marker).toEqual({
      instance: primary,
      level: 'info',
      timestamp: expect.stringMatching(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
      ),
      message: expect.stringMatching(/ LOG: {2}marker-xyz$/),
    });
    expect(Date.now() - Date.parse(marker!.timestamp!)).toBeLessThan(60_000);
    expect(fatal.message).toContain(
      'FATAL:  password authentication failed for user "app"',
    );

    abort.abort();
    await expect(done).resolves.toBeUndefined();
  });

  it('merges every instance and ends after the tail without follow', async () => {
    const { lines, done } = stream({ tail: 2, follow: false });
    await done;
    const count = (instance: string) =>
      lines.filter(line => line.instance === instance).length;
    expect(count(primary)).toBe(2);
    expect(count(replica)).toBe(2);
    expect(lines).toHaveLength(4);
  });

  it('streams as server-sent events that proxies and compression leave alone', async () => {
    const abort = new AbortController();
    const { port } = backend.server.address() as { port: number };
    const response = await fetch(
      `http://127.0.0.1:${port}${PATH}?tail=1&follow=false`,
      { signal: abort.signal },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe(
      'no-cache, no-transform',
    );
    expect(await response.text()).toMatch(
      /^(event: log\ndata: \{"instance":"logs-db-\d",[^\n]*\}\n\n){2}$/,
    );
  });

  it('refuses bad parameters with 400 naming the field and what is allowed', async () => {
    const message = async (query: string) => {
      const response = await request(backend.server).get(`${PATH}?${query}`);
      expect(response.status).toBe(400);
      return response.body.error.message;
    };
    expect(await message('tail=5001')).toBe(
      "tail: must be a whole number from 0 to 5000, got '5001'",
    );
    expect(await message('tail=-1')).toContain('tail: must be');
    expect(await message('tail=1.5')).toContain('tail: must be');
    expect(await message('tail=')).toContain('tail: must be');
    expect(await message('follow=yes')).toBe(
      "follow: must be true or false, got 'yes'",
    );
    expect(await message('instance=logs-db-7')).toBe(
      `instance: EngineCluster payments/logs-db has instances ${[
        primary,
        replica,
      ]
        .sort()
        .join(', ')}, not 'logs-db-7'`,
    );
    await expect(
      backend.client().streamClusterLogs(REF, { tail: 9999 }, noLines),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('answers 403 without read permission and 404 for an unknown cluster', async () => {
    await expect(
      backend
        .client(OUTSIDER)
        .streamClusterLogs(REF, { follow: false }, noLines),
    ).rejects.toMatchObject({
      statusCode: 403,
      body: {
        error: {
          message:
            'Not allowed: basalt.cluster.read on EngineCluster payments/logs-db',
        },
      },
    });
    await expect(
      backend
        .client()
        .streamClusterLogs(
          { namespace: 'payments', name: 'nope' },
          { follow: false },
          noLines,
        ),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  // Last: it stops the backend.
  it('ends open streams when the backend shuts down, instead of holding it up', async () => {
    const { lines, done } = stream({ tail: 1 });
    await eventually(async () => (lines.length >= 2 ? true : undefined), {
      what: 'the tail of both instances',
    });
    await backend.stop();
    await expect(done).resolves.toBeUndefined();
  });
});
