import { ClusterResource } from '@basalt/plugin-basalt-common';
import { promises as fs } from 'fs';
import { join } from 'path';
import { connect } from './__testUtils__/clusterApi';
import {
  postgresManifest,
  primaryOf,
  untilBackupFinished,
  untilReady,
  untilRestored,
  useTestBackend,
} from './__testUtils__/testBackend';
import { eventually } from './testUtils/eventually';

jest.setTimeout(180_000);

const ref = (name: string) => ({ namespace: 'payments', name });

describe('backups and restores on the local runtime', () => {
  const backend = useTestBackend({
    ports: { from: 31400, to: 31499 },
    resync: true,
  });

  async function createCluster(name: string): Promise<ClusterResource> {
    const client = backend.client();
    await client.applyCluster(
      postgresManifest(name, { databases: ['orders'] }),
    );
    return untilReady(client, ref(name), 1);
  }

  /** Runs SQL in the cluster's `orders` database through its endpoint. */
  async function sql(cluster: ClusterResource, text: string) {
    const client = await connect(cluster, 'readWrite', 'orders');
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  }

  const ROWS = `create table items (id int primary key, label text, price numeric(10,2), seen timestamptz);
    insert into items select g, 'item ' || g || ' ' || md5(g::text), g * 1.25, '2026-01-01'::timestamptz + g * interval '1 minute' from generate_series(1, 2000) g;`;

  const rowsOf = async (cluster: ClusterResource) =>
    (await sql(cluster, 'select * from items order by id')).rows;

  it.each(['physical', 'logical'] as const)(
    'takes a %s backup and restores it into a new cluster, row by row',
    async method => {
      const source = await createCluster(`src-${method}`);
      await sql(source, ROWS);
      const client = backend.client();
      const started = await client.createBackup(ref(source.metadata.name), {
        method,
      });
      expect(started).toMatchObject({
        phase: 'Running',
        method,
        trigger: 'manual',
      });
      const backup = await untilBackupFinished(
        backend.client(),
        ref(source.metadata.name),
        started.id,
      );
      expect(backup).toMatchObject({ phase: 'Completed', method });
      expect(backup.sizeBytes).toBeGreaterThan(0);
      for (const object of backup.objects!) {
        expect(object.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
      // Physical backups record the WAL positions they span.
      expect(/^[0-9A-F]+\/[0-9A-F]+$/.test(backup.wal?.start ?? '')).toBe(
        method === 'physical',
      );

      const restored = await client.restoreCluster(ref(source.metadata.name), {
        name: `dst-${method}`,
        backup: backup.id,
      });
      expect(restored.spec.restore).toEqual({ backup: backup.id });
      const target = await untilRestored(
        backend.client(),
        ref(`dst-${method}`),
      );
      expect(await rowsOf(target)).toEqual(await rowsOf(source));
      // The restored cluster has its own credentials, which work.
      expect(target.status!.credentials!.location).not.toEqual(
        source.status!.credentials!.location,
      );
      const listed = await client.listBackups(ref(source.metadata.name));
      expect(listed.map(b => b.id)).toContain(backup.id);
      const refreshed = await client.getCluster(ref(source.metadata.name));
      expect(refreshed.status!.lastBackup).toMatchObject({ id: backup.id });
    },
  );

  it('restores a replicated cluster: the replicas clone the restored primary', async () => {
    const client = backend.client();
    await client.applyCluster(
      postgresManifest('ha-src', { replicas: 2, databases: ['orders'] }),
    );
    const source = await untilReady(client, ref('ha-src'), 2);
    await sql(source, ROWS);
    const started = await client.createBackup(ref('ha-src'));
    expect(
      (await untilBackupFinished(backend.client(), ref('ha-src'), started.id))
        .phase,
    ).toBe('Completed');

    await client.restoreCluster(ref('ha-src'), {
      name: 'ha-dst',
      backup: started.id,
    });
    const target = await untilRestored(backend.client(), ref('ha-dst'), 2);
    const replica = await connect(target, 'readOnly', 'orders');
    try {
      const { rows } = await replica.query(
        'select pg_is_in_recovery() as standby, count(*)::int as n from items',
      );
      expect(rows).toEqual([{ standby: true, n: 2000 }]);
    } finally {
      await replica.end();
    }
    expect(await rowsOf(target)).toEqual(await rowsOf(source));
  });

  it('restores to a moment between two writes from archived WAL', async () => {
    const source = await createCluster('pitr-src');
    await sql(
      source,
      'create table marks (name text, at timestamptz default now())',
    );
    const client = backend.client();
    const base = await client.createBackup(ref('pitr-src'), {
      method: 'physical',
    });
    expect(
      (await untilBackupFinished(backend.client(), ref('pitr-src'), base.id))
        .phase,
    ).toBe('Completed');

    await sql(source, "insert into marks (name) values ('before')");
    await new Promise(resolve => setTimeout(resolve, 1500));
    const moment = new Date().toISOString();
    await new Promise(resolve => setTimeout(resolve, 1500));
    await sql(source, "insert into marks (name) values ('after')");
    const { rows } = await sql(
      source,
      'select pg_walfile_name(pg_current_wal_lsn()) as segment, pg_switch_wal()',
    );
    // The archiver moves the switched segment into the repository.
    const walDir = join(
      backend.rootDir,
      'backups',
      'payments',
      'pitr-src',
      source.metadata.uid,
      'wal',
    );
    await eventually(
      async () =>
        (
          await fs.readdir(walDir).catch(() => [] as string[])
        ).includes(rows[0].segment)
          ? true
          : undefined,
      {
        what: `WAL segment ${rows[0].segment} to be archived`,
        timeoutMs: 60_000,
      },
    );

    await client.restoreCluster(ref('pitr-src'), {
      name: 'pitr-dst',
      time: moment,
    });
    const target = await untilRestored(backend.client(), ref('pitr-dst'));
    const names = (await sql(target, 'select name from marks order by at'))
      .rows;
    expect(names).toEqual([{ name: 'before' }]);
  });

  it('restores the latest state across a failover, following the new timeline', async () => {
    const client = backend.client();
    await client.applyCluster(
      postgresManifest('tl-src', { replicas: 2, databases: ['orders'] }),
    );
    const source = await untilReady(client, ref('tl-src'), 2);
    await sql(source, 'create table marks (name text)');
    const started = await client.createBackup(ref('tl-src'));
    expect(
      (await untilBackupFinished(backend.client(), ref('tl-src'), started.id))
        .phase,
    ).toBe('Completed');
    await sql(source, "insert into marks values ('before the failover')");

    // Kill the primary: the replica is promoted onto timeline 2.
    const primary = primaryOf(source);
    const pidFile = join(
      backend.rootDir,
      'nodes',
      primary.node,
      'payments',
      'tl-src',
      primary.name,
      'server.pid',
    );
    process.kill(
      Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]),
      'SIGKILL',
    );
    const promoted = await untilReady(
      client,
      ref('tl-src'),
      2,
      cluster => cluster.status!.lastFailover?.kind === 'failover',
    );
    await sql(promoted, "insert into marks values ('after the failover')");
    const { rows } = await sql(
      promoted,
      'select pg_walfile_name(pg_current_wal_lsn()) as segment, pg_switch_wal()',
    );
    expect(rows[0].segment.slice(0, 8)).toBe('00000002');
    const walDir = join(
      backend.rootDir,
      'backups',
      'payments',
      'tl-src',
      source.metadata.uid,
      'wal',
    );
    await eventually(
      async () => {
        const files = await fs.readdir(walDir).catch(() => [] as string[]);
        return files.includes(rows[0].segment) &&
          files.includes('00000002.history')
          ? true
          : undefined;
      },
      { what: 'the new timeline to be archived', timeoutMs: 60_000 },
    );

    await client.restoreCluster(ref('tl-src'), { name: 'tl-dst' });
    const target = await untilRestored(backend.client(), ref('tl-dst'), 2);
    const names = (await sql(target, 'select name from marks order by name'))
      .rows;
    expect(names).toEqual([
      { name: 'after the failover' },
      { name: 'before the failover' },
    ]);
  });

  it('detects a corrupted backup by its checksum and restores nothing', async () => {
    const source = await createCluster('corrupt-src');
    const client = backend.client();
    const started = await client.createBackup(ref('corrupt-src'));
    const backup = await untilBackupFinished(
      backend.client(),
      ref('corrupt-src'),
      started.id,
    );
    const file = join(backend.rootDir, 'backups', backup.objects![0].key);
    const bytes = await fs.readFile(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    await fs.writeFile(file, bytes);

    await client.restoreCluster(ref('corrupt-src'), {
      name: 'corrupt-dst',
      backup: backup.id,
    });
    let seen: ClusterResource | undefined;
    const failed = await eventually(
      async () => {
        const cluster = await client.getCluster(ref('corrupt-dst'));
        seen = cluster;
        const restored = cluster.status?.conditions.find(
          c => c.type === 'Restored',
        );
        return restored?.reason === 'RestoreFailed' ? cluster : undefined;
      },
      { what: 'the restore to fail', timeoutMs: 120_000 },
    ).catch(error => {
      throw new Error(
        `${error.message}; last status: ${JSON.stringify(seen?.status)}`,
      );
    });
    const condition = failed.status!.conditions.find(
      c => c.type === 'Restored',
    )!;
    expect(condition.status).toBe('False');
    expect(condition.message).toMatch(/SHA-256|checksum|corrupt/i);
    expect(failed.status!.instances).toEqual([]);
    expect(failed.status!.phase).toBe('Failed');
    expect(source.status!.phase).toBe('Running');
  });

  it('refuses bad restore and backup requests with the field named', async () => {
    const client = backend.client();
    await createCluster('refusals');
    const refusal = (status: number, message: RegExp) => ({
      response: { status },
      body: { error: { message: expect.stringMatching(message) } },
    });
    await expect(
      client.createBackup(ref('refusals'), { method: 'snapshot' as never }),
    ).rejects.toMatchObject(
      refusal(
        400,
        /^method: must be one of physical, logical, got "snapshot"$/,
      ),
    );
    await expect(
      client.restoreCluster(ref('refusals'), {
        name: 'x',
        backup: 'b',
        time: '2026-01-01T00:00:00Z',
      }),
    ).rejects.toMatchObject(refusal(400, /^backup, time: give a backup id/));
    await expect(
      client.restoreCluster(ref('refusals'), { name: 'refusals' }),
    ).rejects.toMatchObject(refusal(409, /already exists/));
    await expect(
      client.applyCluster(
        postgresManifest('nowhere-db', { backup: { repository: 'nowhere' } }),
      ),
    ).rejects.toMatchObject(
      refusal(
        400,
        /^spec.backup.repository: no backup repository 'nowhere' is configured; configured: default$/,
      ),
    );
    await expect(
      client.applyCluster(
        postgresManifest('refusals', { restore: { backup: 'nope-1' } }),
      ),
    ).rejects.toMatchObject(
      refusal(400, /^spec.restore: can only be set when a cluster is created/),
    );
    await expect(
      client.applyCluster(
        postgresManifest('no-such-backup', { restore: { backup: 'nope-1' } }),
      ),
    ).rejects.toMatchObject(
      refusal(400, /^spec.restore.backup: there is no backup 'nope-1'$/),
    );
    await expect(
      client.restoreCluster(ref('refusals'), {
        name: 'too-early',
        time: '2001-01-01T00:00:00Z',
      }),
    ).rejects.toMatchObject(
      refusal(400, /^spec.restore.cluster: .* no completed backup/),
    );
  });
});
