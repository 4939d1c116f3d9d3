import { ClusterResource } from '@basalt/plugin-basalt-common';
import { promises as fs, readFileSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import { connect } from './__testUtils__/clusterApi';
import {
  postgresManifest,
  untilReady,
  useTestBackend,
} from './__testUtils__/testBackend';
import { eventually } from './testUtils/eventually';

jest.setTimeout(240_000);

const ref = (name: string) => ({ namespace: 'payments', name });
const MiB = 2 ** 20;

describe('volumes on the local runtime: protection and online growth', () => {
  const backend = useTestBackend({
    ports: { from: 31900, to: 31999 },
    resync: true,
  });

  /** The instance's directory and volume mount on the local runtime. */
  function instanceDir(cluster: ClusterResource) {
    const [instance] = cluster.status!.instances;
    return join(
      backend.rootDir,
      'nodes',
      instance.node,
      'payments',
      cluster.metadata.name,
      instance.name,
    );
  }

  const statfs = (cluster: ClusterResource) =>
    fs.statfs(join(instanceDir(cluster), 'volume'));

  const pidOf = (cluster: ClusterResource) =>
    Number(
      readFileSync(join(instanceDir(cluster), 'server.pid'), 'utf8').split(
        '\n',
      )[0],
    );

  const condition = (cluster: ClusterResource, type: string) =>
    cluster.status?.conditions.find(c => c.type === type);

  async function untilPressure(name: string, locked: boolean) {
    return eventually(
      async () => {
        const cluster = await backend.client().getCluster(ref(name));
        const pressure = condition(cluster, 'VolumePressure');
        return pressure?.status === (locked ? 'True' : 'False')
          ? cluster
          : undefined;
      },
      { what: `VolumePressure ${locked}`, timeoutMs: 60_000 },
    );
  }

  /** Inserts about `mib` MiB (and as much WAL); the SQLSTATE when refused. */
  async function insertChunk(
    db: Client,
    mib: number,
  ): Promise<string | undefined> {
    try {
      await db.query(
        "insert into filler select repeat('x', 1024) from generate_series(1, $1)",
        [mib * 1000],
      );
      return undefined;
    } catch (error) {
      return (error as { code?: string }).code ?? 'unknown';
    }
  }

  it('locks writes before the volume is full and takes them again once space is freed', async () => {
    const client = backend.client();
    await client.applyCluster(
      postgresManifest('full-db', { storage: { size: '400Mi' } }),
    );
    const cluster = await untilReady(client, ref('full-db'), 1);
    expect(condition(cluster, 'VolumeLimitsEnforced')).toMatchObject({
      status: 'True',
      reason: 'LimitsEnforced',
    });
    expect((await statfs(cluster)).blocks).toBeGreaterThan(0);

    const db = await connect(cluster, 'readWrite');
    try {
      await db.query(
        'create table marks (n int); insert into marks values (1), (2), (3)',
      );
      await db.query('create table filler (v text)');
      // Fill fast to 85 %, below the 90 % watermark, then slowly (about
      // 1 MiB a second with its WAL, so some 30 s from the watermark to a
      // full disk), for the controller (resync every second) to lock writes
      // before the disk is full, however loaded the machine.
      let refused: string | undefined;
      const used = async () => {
        const { bavail, blocks } = await statfs(cluster);
        return 1 - bavail / blocks;
      };
      while (!refused && (await used()) < 0.85) {
        refused = await insertChunk(db, 8);
      }
      for (let step = 0; step < 200 && !refused; step++) {
        refused = await insertChunk(db, 1);
        await new Promise(resolve => setTimeout(resolve, 2000));
      }
      expect(refused).toBe('25006'); // read_only_sql_transaction, not disk full
      const locked = await untilPressure('full-db', true);
      expect(condition(locked, 'VolumePressure')).toMatchObject({
        reason: 'WritesLocked',
      });
      const { bavail, blocks } = await statfs(cluster);
      expect(bavail / blocks).toBeGreaterThan(0.02);
      const events = await client.listClusterEvents(ref('full-db'));
      expect(events.map(e => e.reason)).toContain('WritesLocked');

      // The operator frees space (a session may lift the default), and the
      // controller unlocks below the low watermark.
      await db.query('set default_transaction_read_only = off');
      await db.query('drop table filler');
      await db.query('checkpoint');
      await db.query('set default_transaction_read_only = on');
      await untilPressure('full-db', false);
    } finally {
      await db.end();
    }
    const again = await connect(cluster, 'readWrite');
    try {
      await again.query('insert into marks values (4)');
      const { rows } = await again.query(
        'select count(*)::int as n from marks',
      );
      expect(rows[0].n).toBe(4);
    } finally {
      await again.end();
    }
  });

  it('grows a live volume when spec.storage.size grows, and refuses to shrink it', async () => {
    const client = backend.client();
    await client.applyCluster(
      postgresManifest('grow-db', { storage: { size: '400Mi' } }),
    );
    const before = await untilReady(client, ref('grow-db'), 1);
    const pid = pidOf(before);
    const small = await statfs(before);

    await client.applyCluster(
      postgresManifest('grow-db', { storage: { size: '800Mi' } }),
    );
    await eventually(
      async () => {
        const now = await statfs(before);
        return now.blocks * now.bsize > small.blocks * small.bsize + 300 * MiB
          ? true
          : undefined;
      },
      { what: 'the volume to grow', timeoutMs: 60_000 },
    );
    expect(pidOf(await untilReady(client, ref('grow-db'), 1))).toBe(pid);

    await expect(
      client.applyCluster(
        postgresManifest('grow-db', { storage: { size: '400Mi' } }),
      ),
    ).rejects.toMatchObject({
      response: { status: 400 },
      body: {
        error: {
          message:
            'spec.storage.size: volumes only grow, not from 800Mi to 400Mi',
        },
      },
    });
  });
});
