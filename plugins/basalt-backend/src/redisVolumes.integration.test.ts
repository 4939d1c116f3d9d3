import { ClusterResource } from '@basalt/plugin-basalt-common';
import { promises as fs, readFileSync } from 'fs';
import { join } from 'path';
import { OpenSession, openSession } from './engines/redis/connection';
import {
  redisManifest,
  untilReady,
  useTestBackend,
} from './__testUtils__/testBackend';
import { eventually } from './testUtils/eventually';

jest.setTimeout(240_000);

const ref = { namespace: 'payments', name: 'full-cache' };
const MiB = 2 ** 20;

describe('a Redis cache whose volume fills up', () => {
  const backend = useTestBackend({
    ports: { from: 16700, to: 16749 },
    resync: true,
    redis: true,
  });

  const volumeOf = (cluster: ClusterResource) => {
    const [instance] = cluster.status!.instances;
    return join(
      backend.rootDir,
      'nodes',
      instance.node,
      ref.namespace,
      ref.name,
      instance.name,
      'volume',
    );
  };

  async function used(cluster: ClusterResource): Promise<number> {
    const { bavail, blocks } = await fs.statfs(volumeOf(cluster));
    return 1 - bavail / blocks;
  }

  const untilPressure = (locked: boolean) =>
    eventually(
      async () => {
        const cluster = await backend.client().getCluster(ref);
        const pressure = cluster.status?.conditions.find(
          c => c.type === 'VolumePressure',
        );
        return pressure?.status === (locked ? 'True' : 'False')
          ? cluster
          : undefined;
      },
      { what: `VolumePressure ${locked}`, timeoutMs: 60_000 },
    );

  function login(cluster: ClusterResource, account: string) {
    const [host, port] = cluster.status!.endpoints.readWrite!.split(':');
    const { credentials } = JSON.parse(
      readFileSync(cluster.status!.credentials!.location, 'utf8'),
    );
    return openSession(
      { host, port: Number(port) },
      { username: account, password: credentials.accounts[account] },
      { connectTimeoutMs: 5_000, commandTimeoutMs: 30_000 },
    );
  }

  /** Sets the filler key again: its 1 MiB more in the append-only file. */
  async function append(app: OpenSession): Promise<string | undefined> {
    try {
      await app.command(['SET', 'filler', 'x'.repeat(MiB)]);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  it('locks writes with an ACL before the disk is full, and takes them again once the log is rewritten', async () => {
    const client = backend.client();
    await client.applyCluster(
      redisManifest('full-cache', {
        storage: { size: '400Mi' },
        // Every write stays in the append-only file until it is rewritten.
        parameters: { 'auto-aof-rewrite-percentage': '0' },
        accounts: [{ name: 'app' }, { name: 'ops', role: 'admin' }],
      }),
    );
    const cluster = await untilReady(client, ref, 1);
    const app = await login(cluster, 'app');
    try {
      await app.command(['SET', 'kept', 'yes']);
      // Fast to 85 %, below the 90 % watermark, then a MiB a second, for
      // the controller (resync every second) to lock writes before the disk
      // is full, however loaded the machine.
      let refused: string | undefined;
      while (!refused && (await used(cluster)) < 0.85) {
        refused = await append(app);
      }
      for (let step = 0; step < 200 && !refused; step++) {
        refused = await append(app);
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
      // Refused by the write lock, not by a full disk.
      expect(refused).toMatch(/NOPERM/);
      await expect(app.command(['GET', 'kept'])).resolves.toBe('yes');
      const locked = await untilPressure(true);
      expect(
        locked.status!.conditions.find(c => c.type === 'VolumePressure'),
      ).toMatchObject({ reason: 'WritesLocked' });
      expect(await used(cluster)).toBeLessThan(0.98);

      // An operator rewrites the log, which keeps only the live keys.
      const ops = await login(cluster, 'ops');
      try {
        await ops.command(['BGREWRITEAOF']);
      } finally {
        await ops.close();
      }
      await untilPressure(false);
      await eventually(
        async () => ((await append(app)) === undefined ? true : undefined),
        { what: 'writes taken again' },
      );
    } finally {
      await app.close();
    }
  });
});
