import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  EngineAddress,
  EngineContext,
  EngineHost,
  InstanceRequest,
  RuntimeInstance,
} from '@basalt/plugin-basalt-node';
import { redisSpec } from '../../__testUtils__/manifests';
import { LocalRuntime } from '../../runtime/local';
import { clusterKey, Testbed } from '../../runtime/local/__testUtils__/testbed';
import { describeEngineDriverContract } from '../__testUtils__/describeEngineDriverContract';
import { RedisSession, withSession } from './connection';
import { RedisDriver } from './RedisDriver';

jest.setTimeout(60_000);

const driver = new RedisDriver();
const timeouts = { connectTimeoutMs: 5_000, commandTimeoutMs: 5_000 };

/** As the spec's first account, `SET` a key of its own. */
async function write(address: EngineAddress, context: EngineContext) {
  const account = context.spec.accounts[0].name;
  await withSession(
    address,
    { username: account, password: context.credentials.accounts[account] },
    timeouts,
    async session => {
      await session.command(['SET', `writes:${Date.now()}`, 'x']);
    },
  );
}

describeEngineDriverContract('redis', () => ({
  driver,
  spec: redisSpec({ accounts: [{ name: 'app' }] }),
  write,
  ports: { from: 16500, to: 16549 },
}));

describe('RedisDriver', () => {
  const spec = redisSpec({
    accounts: [
      { name: 'app' },
      { name: 'reader', role: 'readonly' },
      { name: 'boss', role: 'admin' },
    ],
  });
  const cluster = clusterKey('cache');
  let testbed: Testbed;
  let runtime: LocalRuntime;
  let context: EngineContext;
  let primary: RuntimeInstance;

  beforeAll(async () => {
    testbed = await Testbed.create({ from: 16550, to: 16599 });
    runtime = await testbed.runtime(['node-a', 'node-b'], { enforce: false });
    const { credentials } = await runtime.ensureCredentials(
      cluster,
      spec.accounts.map(a => a.name),
    );
    context = { spec, credentials };
    primary = await runtime.ensureInstance(request('cache-0', 'node-a'));
  });

  afterAll(() => testbed?.cleanup());

  function request(name: string, node: string): InstanceRequest {
    return {
      cluster,
      name,
      node,
      bootstrap: { from: 'scratch' },
      driver,
      context,
    };
  }

  function as<T>(
    account: string,
    use: (session: RedisSession) => Promise<T>,
    address = primary.address,
  ): Promise<T> {
    const password =
      account === 'basalt'
        ? context.credentials.superuser.password
        : context.credentials.accounts[account];
    return withSession(address, { username: account, password }, timeouts, use);
  }

  it('starts with the accounts of users.acl: setting them changes nothing', async () => {
    await expect(
      driver.ensureDatabasesAndAccounts(primary.address, context),
    ).resolves.toEqual([]);
  });

  it('lets each account do what its role allows and nothing else', async () => {
    await as('app', s => s.command(['SET', 'greeting', 'hello']));
    await expect(
      as('reader', s => s.command(['GET', 'greeting'])),
    ).resolves.toBe('hello');
    await expect(
      as('reader', s => s.command(['SET', 'greeting', 'bye'])),
    ).rejects.toThrow(/NOPERM/);
    await expect(as('boss', s => s.command(['KEYS', '*']))).resolves.toContain(
      'greeting',
    );
    // Nobody but Basalt may move the server's files, load code or accounts.
    for (const account of ['app', 'boss']) {
      for (const command of [
        ['CONFIG', 'SET', 'dir', '/tmp'],
        ['MODULE', 'LOAD', '/tmp/x.so'],
        ['ACL', 'SETUSER', 'intruder', 'on', '>pw', '+@all'],
        ['REPLICAOF', '127.0.0.1', '1'],
        ['SHUTDOWN'],
      ]) {
        await expect(as(account, s => s.command(command))).rejects.toThrow(
          /NOPERM|not allowed/,
        );
      }
    }
    await expect(
      withSession(
        primary.address,
        { username: 'default', password: 'anything' },
        timeouts,
        s => s.command(['PING']),
      ),
    ).rejects.toThrow(/WRONGPASS|disabled/);
  });

  it('keeps accounts in users.acl, as hashes, across a restart', async () => {
    const { dataDir } = await runtime.instanceHost(cluster, 'cache-0', 'redis');
    const acl = await fs.readFile(path.join(dataDir, 'users.acl'), 'utf8');
    expect(acl).toMatch(/^user app on .*#[0-9a-f]{64} /m);
    for (const password of Object.values(context.credentials.accounts)) {
      expect(acl).not.toContain(password);
    }
    await runtime.stopInstance(cluster, 'cache-0', 'clean');
    primary = await runtime.ensureInstance(request('cache-0', 'node-a'));
    await expect(as('app', s => s.command(['GET', 'greeting']))).resolves.toBe(
      'hello',
    );
  });

  it('applies parameters in place, and a removed one returns to its default', async () => {
    const tuned = {
      ...context,
      spec: {
        ...spec,
        parameters: { maxmemory: '64MB', 'maxmemory-policy': 'allkeys-lru' },
      },
    };
    await runtime.writeConfiguration({
      ...request('cache-0', 'node-a'),
      context: tuned,
    });
    await driver.reloadConfiguration(primary.address, tuned);
    expect(await configOf('maxmemory')).toBe(String(64 * 1024 ** 2));
    const { figures } = await driver.probe(primary.address, tuned);
    expect(figures?.find(f => f.name === 'usedMemory')?.limit).toBe(
      64 * 1024 ** 2,
    );
    expect(await configOf('maxmemory-policy')).toBe('allkeys-lru');

    await runtime.writeConfiguration(request('cache-0', 'node-a'));
    await driver.reloadConfiguration(primary.address, context);
    expect(await configOf('maxmemory-policy')).toBe('noeviction');
  });

  it('reports memory against maxmemory, keys, hit ratio and clients in its probe', async () => {
    await as('app', async s => {
      await s.command(['SET', 'figure:a', '1']);
      await s.command(['GET', 'figure:a']);
      await s.command(['GET', 'figure:missing']);
    });
    const probe = await driver.probe(primary.address, context);
    const figure = (name: string) => probe.figures?.find(f => f.name === name);

    expect(figure('usedMemory')).toMatchObject({
      unit: 'bytes',
      value: expect.any(Number),
    });
    expect(figure('usedMemory')!.value).toBeGreaterThan(0);
    expect(figure('keys')!.value).toBe(
      Number(await as('app', s => s.command(['DBSIZE']))),
    );
    expect(figure('hitRatio')!.value).toBeGreaterThan(0);
    expect(figure('hitRatio')!.value).toBeLessThan(1);
    expect(figure('connectedClients')).toMatchObject({
      limit: 10_000,
      value: expect.any(Number),
    });
    // A probe session, several times a second, reads none of that.
    const session = driver.openProbeSession(primary.address, context, {
      timeoutMs: 1_000,
    });
    try {
      expect((await session.probe()).figures).toBeUndefined();
    } finally {
      await session.close();
    }
  });

  it('refuses a parameter that names a file before writing anything', () => {
    const host = { dataDir: '/data', address: primary.address } as EngineHost;
    const withParameter = (name: string) => ({
      ...context,
      spec: { ...spec, parameters: { [name]: '/tmp' } },
    });
    for (const name of ['dir', 'dbfilename', 'loadmodule', 'tls-port']) {
      expect(() =>
        driver.configurationFiles(host, withParameter(name)),
      ).toThrow(new RegExp(`spec.parameters.${name}: `));
    }
  });

  it('backs up a snapshot and restores it into a new instance, key by key', async () => {
    await as('app', async s => {
      for (let i = 0; i < 200; i++) {
        await s.command(['HSET', `user:${i}`, 'name', `user ${i}`]);
      }
    });
    const objects = new Map<string, Buffer>();
    const sink = {
      write: async (name: string, body: Readable) => {
        objects.set(name, Buffer.concat(await body.toArray()));
      },
    };
    const info = await driver.backups.backupPhysical(
      { address: primary.address, host: () => Promise.reject() },
      context,
      sink,
    );
    expect(Number(info.end)).toBeGreaterThanOrEqual(Number(info.start));
    expect([...objects.keys()]).toEqual(['dump.rdb']);
    expect(objects.get('dump.rdb')!.subarray(0, 5).toString()).toBe('REDIS');

    const source = {
      objects: [...objects.keys()],
      open: async (name: string) => Readable.from([objects.get(name)!]),
    };
    const restoredCluster = clusterKey('restored');
    const restored = await runtime.ensureInstance({
      ...request('restored-0', 'node-b'),
      cluster: restoredCluster,
      bootstrap: {
        from: 'restore',
        restore: host =>
          driver.backups.restorePhysical(host, context, source, {}),
      },
    });
    await expect(
      driver.backups.checkRestored(restored.address, context),
    ).resolves.toBe(`${await as('app', s => s.command(['DBSIZE']))} keys`);
    for (const i of [0, 99, 199]) {
      await expect(
        as(
          'app',
          s => s.command(['HGET', `user:${i}`, 'name']),
          restored.address,
        ),
      ).resolves.toBe(`user ${i}`);
    }
  });

  it('reads the level of its log lines, and its refusal of a bad configuration', () => {
    expect(
      driver.parseLogLine(
        '1234:M 07 Dec 2026 12:00:00.123 # WARNING overcommit_memory is set to 0!',
      ),
    ).toEqual({ level: 'warning' });
    expect(
      driver.parseLogLine(
        '1234:M 07 Dec 2026 12:00:00.123 * Ready to accept connections tcp',
      ),
    ).toEqual({ level: 'info' });
    expect(
      driver.configurationRejected(
        'Could not start: Server exited; last lines of its log:\n\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 30\n>>> \'maxmemory-policy "sometimes"\'\nargument(s) must be one of the following: volatile-lru, allkeys-lru',
      ),
    ).toBe(
      '>>> \'maxmemory-policy "sometimes"\': argument(s) must be one of the following: volatile-lru, allkeys-lru',
    );
    expect(driver.configurationRejected('No space left on device')).toBe(
      undefined,
    );
  });

  async function configOf(name: string): Promise<string> {
    const [, value] = (await as('basalt', s =>
      s.command(['CONFIG', 'GET', name]),
    )) as string[];
    return value;
  }
});
