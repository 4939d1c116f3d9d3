import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { ConflictError, ServiceUnavailableError } from '@backstage/errors';
import {
  ClusterKey,
  EngineContext,
  replicationSourceOf,
  RuntimeEvent,
} from '@basalt/plugin-basalt-node';
import { PostgresDriver } from '../../engines/postgresql';
import {
  clusterKey,
  eventually,
  isAlive,
  parseEndpoint,
  postgresSpec,
  processesMentioning,
  query,
  Testbed,
} from './__testUtils__/testbed';
import { LocalRuntime } from './LocalRuntime';
import { sleep } from './processes';

jest.setTimeout(60_000);

const driver = new PostgresDriver();

/** Who engines run as: 'nobody' when the tests run as root. */
function engineUid(): number {
  const uid = process.getuid!();
  return uid === 0
    ? Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }))
    : uid;
}

describe('LocalRuntime', () => {
  let testbed: Testbed;

  beforeEach(async () => {
    testbed = await Testbed.create({ from: 30100, to: 30199 });
  });

  afterEach(async () => {
    await testbed.cleanup();
  });

  async function context(
    runtime: LocalRuntime,
    cluster: ClusterKey,
    spec = postgresSpec(),
  ): Promise<EngineContext> {
    const accounts = spec.accounts.map(account => account.name);
    const { credentials } = await runtime.ensureCredentials(cluster, accounts);
    return { spec, credentials };
  }

  function primaryRequest(cluster: ClusterKey, ctx: EngineContext) {
    return {
      cluster,
      name: `${cluster.name}-0`,
      node: 'node-a',
      bootstrap: { from: 'scratch' as const },
      driver,
      context: ctx,
    };
  }

  async function serverPid(runtime: LocalRuntime, cluster: ClusterKey) {
    const [instance] = await runtime.listInstances(cluster);
    const dir = path.join(
      testbed.rootDir,
      'nodes',
      instance.node,
      cluster.namespace,
      cluster.name,
      instance.name,
    );
    return Number(
      (await fs.readFile(path.join(dir, 'server.pid'), 'utf8')).trim(),
    );
  }

  it('creates a primary that answers through the read-write endpoint', async () => {
    const runtime = await testbed.runtime();
    const cluster = clusterKey('orders');
    const ctx = await context(runtime, cluster);

    const primary = await runtime.ensureInstance(primaryRequest(cluster, ctx));
    expect(primary).toMatchObject({
      name: 'orders-0',
      node: 'node-a',
      address: { host: '127.0.0.1' },
      running: true,
    });

    const instanceDir = path.join(
      testbed.rootDir,
      'nodes/node-a/default/orders/orders-0',
    );
    const record = JSON.parse(
      await fs.readFile(path.join(instanceDir, 'instance.json'), 'utf8'),
    );
    expect(record).toMatchObject({
      cluster,
      node: 'node-a',
      engine: 'postgresql',
      port: primary.address.port,
      state: 'initialized',
    });
    const data = await fs.stat(path.join(instanceDir, 'data'));
    expect(data.mode & 0o777).toBe(0o700);
    expect(data.uid).toBe(engineUid());

    const endpoints = await runtime.ensureEndpoints(cluster, {
      readWrite: primary.address,
      readOnly: [primary.address],
    });
    const rows = await query(
      parseEndpoint(endpoints.readWrite),
      ctx.credentials.superuser,
      'select 1 + 1 as two, pg_is_in_recovery() as recovery',
    );
    expect(rows).toEqual([{ two: 2, recovery: false }]);
    await expect(runtime.listInstances(cluster)).resolves.toEqual([primary]);
    await expect(driver.probe(primary.address, ctx)).resolves.toEqual({
      ready: true,
      role: 'primary',
      lag: { bytes: 0 },
      position: expect.any(String),
    });
  });

  it('clones a replica that streams from its primary', async () => {
    const runtime = await testbed.runtime();
    const cluster = clusterKey('payments');
    const spec = postgresSpec({
      databases: ['payments'],
      accounts: [{ name: 'app', databases: ['payments'] }],
    });
    const ctx = await context(runtime, cluster, spec);
    const primary = await runtime.ensureInstance(primaryRequest(cluster, ctx));
    const replica = await runtime.ensureInstance({
      ...primaryRequest(cluster, ctx),
      name: 'payments-1',
      node: 'node-b',
      bootstrap: {
        from: 'replica-of',
        source: replicationSourceOf(primary),
      },
    });
    expect(replica.address.port).not.toBe(primary.address.port);
    await driver.ensureDatabasesAndAccounts(primary.address, ctx);
    const endpoints = await runtime.ensureEndpoints(cluster, {
      readWrite: primary.address,
      readOnly: [replica.address],
    });

    const app = { username: 'app', password: ctx.credentials.accounts.app };
    const readWrite = parseEndpoint(endpoints.readWrite);
    await query(readWrite, app, 'create table charges (id int)', 'payments');
    await query(readWrite, app, 'insert into charges values (42)', 'payments');

    const readOnly = parseEndpoint(endpoints.readOnly);
    const rows = await eventually(async () => {
      const found = await query(
        readOnly,
        app,
        'select id from charges',
        'payments',
      );
      return found.length > 0 ? found : undefined;
    });
    expect(rows).toEqual([{ id: 42 }]);
    await expect(
      query(
        readOnly,
        ctx.credentials.superuser,
        'select pg_is_in_recovery() as recovery, status from pg_stat_wal_receiver',
      ),
    ).resolves.toEqual([{ recovery: true, status: 'streaming' }]);
    const probe = await eventually(async () => {
      const result = await driver.probe(replica.address, ctx);
      return result.lag?.bytes === 0 ? result : undefined;
    });
    expect(probe).toEqual({
      ready: true,
      role: 'replica',
      lag: { bytes: 0 },
      position: expect.any(String),
    });
  });

  it('adopts running servers after a restart instead of starting them again', async () => {
    const first = await testbed.runtime();
    const cluster = clusterKey('inventory');
    const ctx = await context(first, cluster);
    const primary = await first.ensureInstance(primaryRequest(cluster, ctx));
    const endpoints = await first.ensureEndpoints(cluster, {
      readWrite: primary.address,
      readOnly: [primary.address],
    });
    const pid = await serverPid(first, cluster);
    await first.stop();

    const second = await testbed.runtime();
    const events: RuntimeEvent[] = [];
    second.subscribe(event => events.push(event));
    await expect(
      second.ensureInstance(primaryRequest(cluster, ctx)),
    ).resolves.toEqual(primary);
    expect(await serverPid(second, cluster)).toBe(pid);
    const dataDir = path.join(
      testbed.rootDir,
      'nodes/node-a/default/inventory/inventory-0/data',
    );
    expect(await processesMentioning(dataDir)).toEqual([pid]);
    await expect(
      second.ensureEndpoints(cluster, {
        readWrite: primary.address,
        readOnly: [],
      }),
    ).resolves.toEqual(endpoints);

    // An adopted server is not our child: its exit is noticed by polling.
    process.kill(pid, 'SIGINT');
    const event = await eventually(async () => events[0]);
    expect(event).toMatchObject({
      type: 'instance-exited',
      cluster,
      instance: 'inventory-0',
      message: expect.stringContaining('shut down'),
    });
    const [stopped] = await second.listInstances(cluster);
    expect(stopped).toMatchObject({
      running: false,
      message: expect.stringMatching(/^Not running/),
    });

    // ensureInstance starts it again, on the same data and port.
    const restarted = await second.ensureInstance(primaryRequest(cluster, ctx));
    expect(restarted).toEqual({
      ...primary,
      startedAt: expect.any(String),
    });
    expect(Date.parse(restarted.startedAt!)).toBeGreaterThan(
      Date.parse(primary.startedAt!),
    );
    expect(await serverPid(second, cluster)).not.toBe(pid);
  });

  it('restarts an instance that started before a requested restart, once', async () => {
    const runtime = await testbed.runtime();
    const events: RuntimeEvent[] = [];
    runtime.subscribe(event => events.push(event));
    const cluster = clusterKey('restarts');
    const ctx = await context(runtime, cluster);
    const primary = await runtime.ensureInstance(primaryRequest(cluster, ctx));
    expect(primary.startedAt).toEqual(expect.any(String));
    const pid = await serverPid(runtime, cluster);

    // Asked before it started: nothing to do.
    const earlier = new Date(Date.parse(primary.startedAt!) - 1000);
    await runtime.ensureInstance({
      ...primaryRequest(cluster, ctx),
      restartedAt: earlier.toISOString(),
    });
    expect(await serverPid(runtime, cluster)).toBe(pid);

    const restartedAt = new Date().toISOString();
    const restarted = await runtime.ensureInstance({
      ...primaryRequest(cluster, ctx),
      restartedAt,
    });
    const newPid = await serverPid(runtime, cluster);
    expect(newPid).not.toBe(pid);
    expect(isAlive(pid)).toBe(false);
    expect(restarted).toMatchObject({
      address: primary.address,
      running: true,
    });
    expect(Date.parse(restarted.startedAt!)).toBeGreaterThanOrEqual(
      Date.parse(restartedAt),
    );
    await expect(runtime.listInstances(cluster)).resolves.toEqual([restarted]);

    // The same request again restarts nothing more.
    await runtime.ensureInstance({
      ...primaryRequest(cluster, ctx),
      restartedAt,
    });
    expect(await serverPid(runtime, cluster)).toBe(newPid);
    await expect(
      query(primary.address, ctx.credentials.superuser, 'select 1 as one'),
    ).resolves.toEqual([{ one: 1 }]);
    expect(events).toEqual([]); // a requested stop is not an exit
  });

  it("reads an instance's log: the tail, then what the server writes", async () => {
    const runtime = await testbed.runtime();
    const cluster = clusterKey('logs');
    const ctx = await context(runtime, cluster);
    const primary = await runtime.ensureInstance(primaryRequest(cluster, ctx));
    const abort = new AbortController();
    const read = (follow: boolean, tailLines = 5) =>
      runtime.readLogs(cluster, 'logs-0', {
        tailLines,
        follow,
        signal: abort.signal,
      });

    // The server listens a moment before it logs that it is ready.
    const tail = await eventually(async () => {
      const lines: string[] = [];
      for await (const line of read(false)) lines.push(line);
      return lines.some(line => line.includes('ready to accept connections'))
        ? lines
        : undefined;
    });
    expect(tail.length).toBeLessThanOrEqual(5);

    const followed: string[] = [];
    let marked = false;
    const reading = (async () => {
      for await (const line of read(true, 0)) {
        followed.push(line);
        if (line.includes('marker-from-test')) abort.abort();
      }
      marked = true;
    })();
    // A marker logged before the reader has taken its place is past (tail
    // 0): log one until one is followed.
    while (!marked) {
      await query(
        primary.address,
        ctx.credentials.superuser,
        "DO $$ BEGIN RAISE LOG 'marker-from-test'; END $$",
      );
      await Promise.race([reading, sleep(250)]);
    }
    expect(followed.some(line => line.includes('marker-from-test'))).toBe(true);

    await expect(
      (async () => {
        for await (const line of runtime.readLogs(cluster, 'logs-9', {
          tailLines: 1,
          follow: false,
          signal: abort.signal,
        })) {
          expect(line).toBeUndefined();
        }
      })(),
    ).rejects.toThrow('Instance logs-9 of default/logs not found');
  });

  it('reports when a server it started exits', async () => {
    const runtime = await testbed.runtime();
    const events: RuntimeEvent[] = [];
    runtime.subscribe(event => events.push(event));
    const cluster = clusterKey('events');
    const ctx = await context(runtime, cluster);
    await runtime.ensureInstance(primaryRequest(cluster, ctx));

    process.kill(await serverPid(runtime, cluster), 'SIGKILL');
    // Pushed when the process exits: no resync runs here to find it later.
    const event = await eventually(async () => events[0], {
      timeoutMs: 10_000,
    });
    expect(event).toMatchObject({
      type: 'instance-exited',
      instance: 'events-0',
      message: expect.stringContaining('on signal SIGKILL'),
    });
  });

  it('removes an instance without leaving a process or a directory', async () => {
    const runtime = await testbed.runtime();
    const events: RuntimeEvent[] = [];
    runtime.subscribe(event => events.push(event));
    const cluster = clusterKey('ledger');
    const ctx = await context(runtime, cluster);
    await runtime.ensureInstance(primaryRequest(cluster, ctx));
    const pid = await serverPid(runtime, cluster);
    const dataDir = path.join(
      testbed.rootDir,
      'nodes/node-a/default/ledger/ledger-0/data',
    );

    await runtime.removeInstance(cluster, 'ledger-0');

    expect(isAlive(pid)).toBe(false);
    expect(await processesMentioning(dataDir)).toEqual([]);
    await expect(
      fs.stat(path.join(testbed.rootDir, 'nodes/node-a/default')),
    ).rejects.toThrow(/ENOENT/);
    await expect(runtime.listInstances(cluster)).resolves.toEqual([]);
    await expect(
      runtime.removeInstance(cluster, 'ledger-0'),
    ).resolves.toBeUndefined();
    expect(events).toEqual([]); // a requested stop is not an event
  });

  it('tells a server process that is stopped, from the process table', async () => {
    const runtime = await testbed.runtime();
    const cluster = clusterKey('frozen');
    const ctx = await context(runtime, cluster);
    await runtime.ensureInstance(primaryRequest(cluster, ctx));
    const pid = await serverPid(runtime, cluster);
    await expect(runtime.stalledProcess(cluster, 'frozen-0')).resolves.toBe(
      undefined,
    );

    process.kill(pid, 'SIGSTOP');
    try {
      // The kernel stops it a moment after the signal is sent.
      await expect(
        eventually(() => runtime.stalledProcess(cluster, 'frozen-0')),
      ).resolves.toBe(`its server process (pid ${pid}) is stopped`);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await eventually(async () =>
      (await runtime.stalledProcess(cluster, 'frozen-0')) ? undefined : true,
    );
    await expect(runtime.stalledProcess(cluster, 'nope-0')).resolves.toBe(
      undefined,
    );
  });

  it('kills an engine program left working in an instance it removes', async () => {
    const runtime = await testbed.runtime();
    const cluster = clusterKey('orphaned');
    const ctx = await context(runtime, cluster);
    await runtime.ensureInstance(primaryRequest(cluster, ctx));
    const dataDir = path.join(
      testbed.rootDir,
      'nodes/node-a/default/orphaned/orphaned-0/data',
    );
    // As a clone a backend started before it was killed would go on.
    const orphan = spawn('sleep', ['600'], {
      cwd: dataDir,
      detached: true,
      stdio: 'ignore',
    });
    const exited = new Promise(resolve => orphan.once('exit', resolve));

    await runtime.removeInstance(cluster, 'orphaned-0');

    await expect(exited).resolves.toBeDefined();
    await expect(fs.stat(dataDir)).rejects.toThrow(/ENOENT/);
    expect(testbed.loggedText()).toMatch(
      new RegExp(`Killed engine programs ${orphan.pid} left running`),
    );
  });

  it('keeps credentials in a 0600 file and never logs them', async () => {
    const runtime = await testbed.runtime();
    const cluster = clusterKey('secrets');
    const first = await runtime.ensureCredentials(cluster, ['app']);
    const file = path.join(testbed.rootDir, 'credentials/default/secrets.json');
    expect(first.reference).toEqual({ kind: 'file', location: file });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect(first.credentials).toEqual({
      superuser: {
        username: 'basalt',
        password: expect.stringMatching(/^[\w-]{32}$/),
      },
      replication: {
        username: 'basalt_replication',
        password: expect.any(String),
      },
      accounts: { app: expect.stringMatching(/^[\w-]{32}$/) },
      tls: {
        caCertificate: expect.stringMatching(/^-----BEGIN CERTIFICATE-----/),
        caKey: expect.stringMatching(/^-----BEGIN RSA PRIVATE KEY-----/),
        certificate: expect.stringMatching(/^-----BEGIN CERTIFICATE-----/),
        key: expect.stringMatching(/^-----BEGIN RSA PRIVATE KEY-----/),
      },
    });

    const second = await runtime.ensureCredentials(cluster, [
      'app',
      'reporting',
    ]);
    expect(second.credentials.superuser).toEqual(first.credentials.superuser);
    expect(second.credentials.accounts.app).toBe(
      first.credentials.accounts.app,
    );
    expect(second.credentials.accounts.reporting).toBeDefined();
    expect(second.credentials.tls).toEqual(first.credentials.tls);

    const spec = postgresSpec({
      accounts: [{ name: 'app' }, { name: 'reporting', role: 'readonly' }],
    });
    const ctx = { spec, credentials: second.credentials };
    const primary = await runtime.ensureInstance(primaryRequest(cluster, ctx));
    await runtime.ensureInstance({
      ...primaryRequest(cluster, ctx),
      name: 'secrets-1',
      bootstrap: {
        from: 'replica-of',
        source: replicationSourceOf(primary),
      },
    });
    await driver.ensureDatabasesAndAccounts(primary.address, ctx);
    const passwords = [
      second.credentials.superuser.password,
      second.credentials.replication.password,
      ...Object.values(second.credentials.accounts),
      // The private keys' base64 (a line of each is enough to tell).
      second.credentials.tls!.key.split('\n')[1],
      second.credentials.tls!.caKey.split('\n')[1],
    ];
    const logged = testbed.loggedText();
    expect(logged).toContain('Created instance secrets-1');
    const logs = await Promise.all(
      ['secrets-0', 'secrets-1'].map(name =>
        fs.readFile(
          path.join(
            testbed.rootDir,
            'nodes/node-a/default/secrets',
            name,
            'server.log',
          ),
          'utf8',
        ),
      ),
    );
    for (const password of passwords) {
      expect(logged).not.toContain(password);
      logs.forEach(log => expect(log).not.toContain(password));
    }

    await runtime.removeCredentials(cluster);
    await expect(fs.stat(file)).rejects.toThrow(/ENOENT/);
  });

  it('skips a port that something else listens on', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve, reject) => {
      blocker.once('error', reject);
      blocker.listen(testbed.portRange.from, '127.0.0.1', resolve);
    });
    try {
      const runtime = await testbed.runtime();
      const cluster = clusterKey('ports');
      const instance = await runtime.ensureInstance(
        primaryRequest(cluster, await context(runtime, cluster)),
      );
      expect(instance.address.port).toBe(testbed.portRange.from + 1);
    } finally {
      await new Promise(resolve => blocker.close(resolve));
    }
  });

  it('reports a server that fails to start with its log, and leaves nothing behind', async () => {
    const runtime = await testbed.runtime();
    const cluster = clusterKey('broken');
    const spec = postgresSpec({ parameters: { shared_buffers: 'plenty' } });
    const ctx = await context(runtime, cluster, spec);
    const instanceDir = path.join(
      testbed.rootDir,
      'nodes/node-a/default/broken/broken-0',
    );

    const error = await runtime
      .ensureInstance(primaryRequest(cluster, ctx))
      .catch(e => e);
    expect(error.message).toMatch(
      /Could not start instance broken-0 of default\/broken; removed it/,
    );
    expect(error.message).toMatch(
      /invalid value for parameter "shared_buffers": "plenty"/,
    );
    await expect(fs.stat(instanceDir)).rejects.toThrow(/ENOENT/);
    expect(await processesMentioning(instanceDir)).toEqual([]);
    await expect(runtime.listInstances(cluster)).resolves.toEqual([]);
  });

  it('refuses an instance on a lost node instead of re-creating the node', async () => {
    const runtime = await testbed.runtime();
    const cluster = clusterKey('stranded');
    const ctx = await context(runtime, cluster);
    const nodeDir = path.join(testbed.rootDir, 'nodes/node-b');
    await fs.rename(nodeDir, `${nodeDir}.lost`);

    await expect(
      runtime.ensureInstance({
        ...primaryRequest(cluster, ctx),
        node: 'node-b',
      }),
    ).rejects.toThrow(ServiceUnavailableError);
    await expect(fs.stat(nodeDir)).rejects.toThrow(/ENOENT/);
    expect(await runtime.listNodes()).toContainEqual(
      expect.objectContaining({ name: 'node-b', ready: false }),
    );
  });

  it('refuses a data directory it did not create', async () => {
    const runtime = await testbed.runtime();
    const cluster = clusterKey('foreign');
    const dataDir = path.join(
      testbed.rootDir,
      'nodes/node-a/default/foreign/foreign-0/data',
    );
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(path.join(dataDir, 'PG_VERSION'), '15\n');

    await expect(
      runtime.ensureInstance(
        primaryRequest(cluster, await context(runtime, cluster)),
      ),
    ).rejects.toThrow(ConflictError);
    await expect(
      fs.readFile(path.join(dataDir, 'PG_VERSION'), 'utf8'),
    ).resolves.toBe('15\n');
  });

  it('re-points endpoints without closing their listeners', async () => {
    const runtime = await testbed.runtime();
    const cluster = clusterKey('routing');
    const ctx = await context(runtime, cluster);
    const primary = await runtime.ensureInstance(primaryRequest(cluster, ctx));
    const replica = await runtime.ensureInstance({
      ...primaryRequest(cluster, ctx),
      name: 'routing-1',
      node: 'node-b',
      bootstrap: {
        from: 'replica-of',
        source: replicationSourceOf(primary),
      },
    });
    const recovery = (endpoint?: string) =>
      query<{ recovery: boolean }>(
        parseEndpoint(endpoint),
        ctx.credentials.superuser,
        'select pg_is_in_recovery() as recovery',
      ).then(rows => rows[0].recovery);

    const endpoints = await runtime.ensureEndpoints(cluster, {
      readWrite: primary.address,
      readOnly: [replica.address],
    });
    await expect(recovery(endpoints.readWrite)).resolves.toBe(false);
    await expect(recovery(endpoints.readOnly)).resolves.toBe(true);

    await expect(
      runtime.ensureEndpoints(cluster, {
        readWrite: replica.address,
        readOnly: [primary.address],
      }),
    ).resolves.toEqual(endpoints);
    await expect(recovery(endpoints.readWrite)).resolves.toBe(true);
    await expect(recovery(endpoints.readOnly)).resolves.toBe(false);

    await runtime.removeEndpoints(cluster);
    await expect(recovery(endpoints.readWrite)).rejects.toThrow(/ECONNREFUSED/);
    await expect(
      fs.stat(path.join(testbed.rootDir, 'endpoints/default/routing.json')),
    ).rejects.toThrow(/ENOENT/);
  });
});
