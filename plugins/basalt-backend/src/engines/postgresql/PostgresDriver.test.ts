import net from 'node:net';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { EngineContext } from '@basalt/plugin-basalt-node';
import {
  clusterKey,
  eventually,
  postgresSpec,
  processesMentioning,
  query,
  Testbed,
} from '../../runtime/local/__testUtils__/testbed';
import { describeEngineDriverContract } from '../__testUtils__/describeEngineDriverContract';
import { PostgresDriver } from './PostgresDriver';
import {
  PROBE_SESSION_APPLICATION,
  PROBES_PER_POSTMASTER_CHECK,
} from './probe';

jest.setTimeout(60_000);

const driver = new PostgresDriver();

describeEngineDriverContract('postgresql', () => ({
  driver,
  spec: postgresSpec({
    databases: ['contract'],
    accounts: [{ name: 'app', databases: ['contract'] }],
  }),
  write: async (address, context) => {
    const app = { username: 'app', password: context.credentials.accounts.app };
    await query(
      address,
      app,
      'create table if not exists writes (at timestamptz); insert into writes values (now())',
      'contract',
    );
  },
  ports: { from: 30250, to: 30299 },
}));

describe('PostgresDriver', () => {
  let testbed: Testbed;

  beforeEach(async () => {
    testbed = await Testbed.create({ from: 30200, to: 30249 });
  });

  afterEach(async () => {
    await testbed.cleanup();
  });

  async function startPrimary(spec: EngineContext['spec']) {
    const runtime = await testbed.runtime();
    const cluster = clusterKey('shop');
    const { credentials } = await runtime.ensureCredentials(
      cluster,
      spec.accounts.map(account => account.name),
    );
    const context = { spec, credentials };
    const request = {
      cluster,
      name: 'shop-0',
      node: 'node-a',
      bootstrap: { from: 'scratch' as const },
      driver,
      context,
    };
    const primary = await runtime.ensureInstance(request);
    return { address: primary.address, context, runtime, request };
  }

  describe('ensureDatabasesAndAccounts', () => {
    const spec = postgresSpec({
      databases: ['payments', 'audit'],
      accounts: [
        { name: 'app', databases: ['payments'] },
        { name: 'reader', databases: ['payments'], role: 'readonly' },
        { name: 'boss', databases: ['payments', 'audit'], role: 'admin' },
      ],
    });

    it('creates what is missing, once', async () => {
      const { address, context } = await startPrimary(spec);

      await expect(
        driver.ensureDatabasesAndAccounts(address, context),
      ).resolves.toEqual([
        'Created replication account basalt_replication',
        'Created database payments',
        'Created database audit',
        'Created account app (readwrite)',
        'Created account reader (readonly)',
        'Created account boss (admin)',
        'Granted account app readwrite access to database payments',
        'Granted account reader readonly access to database payments',
        'Granted account boss admin access to database payments',
        'Granted account boss admin access to database audit',
      ]);
      await expect(
        driver.ensureDatabasesAndAccounts(address, context),
      ).resolves.toEqual([]);
    });

    it('creates accounts on a primary whose writes are locked: the lock stops clients, not Basalt', async () => {
      const { address, context } = await startPrimary(spec);
      await driver.setWritesLocked(address, context, true);
      const app = {
        username: 'app',
        password: context.credentials.accounts.app,
      };

      await expect(
        driver.ensureDatabasesAndAccounts(address, context),
      ).resolves.toContain('Created account app (readwrite)');
      await expect(
        query(address, app, 'create table t (id int)', 'payments'),
      ).rejects.toThrow(/read-only transaction/);
      await driver.setWritesLocked(address, context, false);
    });

    it("gives each account its role's privileges on its databases only", async () => {
      const { address, context } = await startPrimary(spec);
      await driver.ensureDatabasesAndAccounts(address, context);
      const login = (name: string) => ({
        username: name,
        password: context.credentials.accounts[name],
      });

      await query(address, login('app'), 'create table t (id int)', 'payments');
      await query(
        address,
        login('app'),
        'insert into t values (1)',
        'payments',
      );
      await expect(
        query(address, login('reader'), 'select id from t', 'payments'),
      ).resolves.toEqual([{ id: 1 }]);
      await expect(
        query(address, login('reader'), 'insert into t values (2)', 'payments'),
      ).rejects.toThrow(/permission denied for table t/);
      await expect(
        query(address, login('reader'), 'create table u (id int)', 'payments'),
      ).rejects.toThrow(/permission denied for schema public/);
      await expect(
        query(address, login('app'), 'select 1', 'audit'),
      ).rejects.toThrow(/permission denied for database "audit"/);
      await query(address, login('boss'), 'create schema reports', 'audit');
    });

    it('follows a change of an account role', async () => {
      const { address, context } = await startPrimary(spec);
      await driver.ensureDatabasesAndAccounts(address, context);
      const changed = postgresSpec({
        ...spec,
        accounts: spec.accounts.map(account =>
          account.name === 'reader'
            ? { ...account, role: 'readwrite' }
            : account,
        ),
      });

      await expect(
        driver.ensureDatabasesAndAccounts(address, {
          ...context,
          spec: changed,
        }),
      ).resolves.toEqual([
        'Set the role of account reader to readwrite',
        'Granted account reader readwrite access to database payments',
      ]);
      const reader = {
        username: 'reader',
        password: context.credentials.accounts.reader,
      };
      await query(address, reader, 'create table mine (id int)', 'payments');
    });

    it('refuses account names Basalt uses itself', async () => {
      const { address, context } = await startPrimary(postgresSpec());
      const spec2 = postgresSpec({ accounts: [{ name: 'basalt' }] });
      await expect(
        driver.ensureDatabasesAndAccounts(address, {
          spec: spec2,
          credentials: {
            ...context.credentials,
            accounts: { basalt: 'x' },
          },
        }),
      ).rejects.toThrow(InputError);
    });
  });

  describe('probe', () => {
    it('reports a primary', async () => {
      const { address, context } = await startPrimary(postgresSpec());
      // Accepting connections comes a moment before taking queries.
      const probe = await eventually(async () => {
        const result = await driver.probe(address, context);
        return result.ready ? result : undefined;
      });
      expect(probe).toEqual({
        ready: true,
        role: 'primary',
        lag: { bytes: 0 },
        position: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/),
      });
    });

    it('probes over one connection it keeps, and connects anew once the server is back', async () => {
      const { address, context, runtime, request } = await startPrimary(
        postgresSpec(),
      );
      await eventually(async () =>
        (await driver.probe(address, context)).ready ? true : undefined,
      );
      const session = driver.openProbeSession(address, context, {
        timeoutMs: 1000,
      });
      /** The server processes of the session's connections. */
      const sessionProcesses = async () =>
        (
          await query<{ pid: number }>(
            address,
            context.credentials.superuser,
            `select pid from pg_stat_activity
              where application_name = '${PROBE_SESSION_APPLICATION}'`,
          )
        ).map(row => row.pid);
      try {
        const ready = { ready: true, role: 'primary' };
        await expect(session.probe()).resolves.toMatchObject(ready);
        const [first] = await sessionProcesses();
        for (let i = 1; i < 20; i++) {
          await expect(session.probe()).resolves.toMatchObject(ready);
        }
        expect(await sessionProcesses()).toEqual([first]);

        await runtime.stopInstance(request.cluster, request.name, 'kill');
        // The kept connection's server process ends a moment after the
        // postmaster (each runs in a session of its own).
        await expect(
          eventually(async () => {
            const probe = await session.probe();
            return probe.ready ? undefined : probe;
          }),
        ).resolves.toMatchObject({
          ready: false,
          role: 'unknown',
          message: expect.any(String),
        });
        await runtime.ensureInstance(request);
        await eventually(async () =>
          (await session.probe()).ready ? true : undefined,
        );
        expect(await sessionProcesses()).toHaveLength(1);

        await session.close();
        await eventually(async () =>
          (await sessionProcesses()).length === 0 ? true : undefined,
        );
        await expect(session.probe()).resolves.toMatchObject({ ready: false });
      } finally {
        await session.close();
      }
    });

    it('sees a server whose postmaster is stopped within a few probes', async () => {
      const { address, context } = await startPrimary(postgresSpec());
      const session = driver.openProbeSession(address, context, {
        timeoutMs: 1000,
      });
      await eventually(async () =>
        (await session.probe()).ready ? true : undefined,
      );
      // Other test files run servers of their own `shop` clusters.
      const [postmaster] = await processesMentioning(
        path.join(testbed.rootDir, 'nodes/node-a/default/shop/shop-0/data'),
      );
      expect(postmaster).toBeDefined();
      process.kill(postmaster, 'SIGSTOP');
      try {
        let failed;
        for (let i = 0; i < PROBES_PER_POSTMASTER_CHECK && !failed; i++) {
          const probe = await session.probe();
          if (!probe.ready) failed = probe;
        }
        // Its server process would answer on the kept connection; the
        // postmaster itself does not answer a new one.
        expect(failed).toMatchObject({
          role: 'unknown',
          message: expect.stringMatching(/postmaster did not answer/),
        });
      } finally {
        process.kill(postmaster, 'SIGCONT');
        await session.close();
      }
    });

    it('reports an instance it cannot log in to as not ready', async () => {
      const { address, context } = await startPrimary(postgresSpec());
      const wrong = {
        ...context,
        credentials: {
          ...context.credentials,
          superuser: { username: 'basalt', password: 'wrong' },
        },
      };
      // Started, the server accepts connections a moment before logins.
      await eventually(async () =>
        (await driver.probe(address, context)).ready ? true : undefined,
      );
      await expect(driver.probe(address, wrong)).resolves.toEqual({
        ready: false,
        role: 'unknown',
        message: 'password authentication failed for user "basalt"',
      });
    });

    it('gives up on a silent server within about a second', async () => {
      // Accepts connections but never answers, like a hung server.
      const sockets: net.Socket[] = [];
      const silent = net.createServer(socket => sockets.push(socket));
      await new Promise<void>(resolve =>
        silent.listen(0, '127.0.0.1', resolve),
      );
      const port = (silent.address() as net.AddressInfo).port;
      const context = {
        spec: postgresSpec(),
        credentials: {
          superuser: { username: 'basalt', password: 'x' },
          replication: { username: 'r', password: 'x' },
          accounts: {},
        },
      };
      const session = driver.openProbeSession(
        { host: '127.0.0.1', port },
        context,
        { timeoutMs: 1000 },
      );
      try {
        for (const probe of [
          () => driver.probe({ host: '127.0.0.1', port }, context),
          () => session.probe(),
        ]) {
          const started = Date.now();
          await expect(probe()).resolves.toEqual({
            ready: false,
            role: 'unknown',
            message: expect.stringMatching(/timeout/i),
          });
          // Gives up near its 1 s timeout rather than waiting on the socket
          // (with room for a loaded machine).
          expect(Date.now() - started).toBeLessThan(10_000);
        }
      } finally {
        await session.close();
        sockets.forEach(socket => socket.destroy());
        await new Promise(resolve => silent.close(resolve));
      }
    });
  });

  it('refuses a parameter Basalt manages before creating anything', async () => {
    await expect(
      startPrimary(postgresSpec({ parameters: { port: '5432' } })),
    ).rejects.toThrow(/spec.parameters.port: is managed by Basalt/);
  });
});
