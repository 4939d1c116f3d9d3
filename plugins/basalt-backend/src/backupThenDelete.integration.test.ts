import { ClusterResource } from '@basalt/plugin-basalt-common';
import { execFileSync } from 'child_process';
import { mkdirSync, promises as fs, writeFileSync } from 'fs';
import { join } from 'path';
import { connect } from './__testUtils__/clusterApi';
import {
  postgresManifest,
  untilReady,
  useTestBackend,
} from './__testUtils__/testBackend';
import { eventually } from './testUtils/eventually';

jest.setTimeout(240_000);

const ref = (name: string) => ({ namespace: 'payments', name });

describe('BackupThenDelete and scheduled backups', () => {
  // A repository on a 1 MiB filesystem: a backup fills it and fails midway.
  let tinyDir = '';
  // Registered first, so it runs before the backend's root directory goes.
  afterAll(() => {
    if (tinyDir) execFileSync('umount', ['-l', tinyDir]);
  });
  const backend = useTestBackend({
    ports: { from: 31500, to: 31599 },
    resync: true,
    backups: rootDir => {
      tinyDir = join(rootDir, 'tiny');
      mkdirSync(tinyDir);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', tinyDir]);
      // A repository that cannot even be created: its parent is a file.
      writeFileSync(join(rootDir, 'not-a-directory'), '');
      return {
        repositories: {
          default: { type: 'filesystem', path: join(rootDir, 'backups') },
          tiny: { type: 'filesystem', path: tinyDir },
          broken: {
            type: 'filesystem',
            path: join(rootDir, 'not-a-directory', 'backups'),
          },
        },
        housekeepingInterval: '1s',
        logArchiveInterval: '1s',
      };
    },
  });

  async function countRows(cluster: ClusterResource): Promise<number> {
    const client = await connect(cluster, 'readWrite');
    try {
      const { rows } = await client.query('select count(*)::int as n from t');
      return rows[0].n;
    } finally {
      await client.end();
    }
  }

  async function createWithRows(name: string, repository: string) {
    const client = backend.client();
    await client.applyCluster(
      postgresManifest(name, {
        terminationPolicy: 'BackupThenDelete',
        backup: { repository },
      }),
    );
    const cluster = await untilReady(client, ref(name), 1);
    const db = await connect(cluster, 'readWrite');
    await db.query(
      'create table t as select g as id, md5(g::text) as v from generate_series(1, 5000) g',
    );
    await db.end();
    return cluster;
  }

  it('keeps the cluster and says why when the repository fails midway', async () => {
    const cluster = await createWithRows('keep-db', 'tiny');
    const client = backend.client();
    await client.deleteCluster(ref('keep-db'));

    const blocked = await eventually(
      async () => {
        const current = await client.getCluster(ref('keep-db'));
        const condition = current.status?.conditions.find(
          c => c.type === 'DeletionBlocked',
        );
        return condition?.status === 'True'
          ? { current, condition }
          : undefined;
      },
      { what: 'the deletion to be refused', timeoutMs: 120_000 },
    );
    expect(blocked.condition.reason).toBe('FinalBackupFailed');
    expect(blocked.condition.message).toMatch(
      /^Not deleted: .*final backup .* failed: .*(ENOSPC|no space)/i,
    );
    expect(blocked.condition.message).toMatch(/intact/);
    expect(blocked.current.metadata.deletionTimestamp).toBeUndefined();

    // The cluster, its data and its writes are back; the repository is empty.
    const ready = await untilReady(client, ref('keep-db'), 1);
    expect(await countRows(ready)).toBe(5000);
    const db = await connect(ready, 'readWrite');
    await db.query("insert into t values (5001, 'after')");
    await db.end();
    const [failed] = await client.listBackups(ref('keep-db'));
    expect(failed).toMatchObject({ phase: 'Failed', trigger: 'final' });
    const leftovers = await fs.readdir(tinyDir, { recursive: true });
    expect(
      leftovers.filter(
        f => !String(f).startsWith('.') && String(f).includes('base'),
      ),
    ).toEqual([]);
    expect(cluster.metadata.uid).toBe(ready.metadata.uid);
  });

  it('records a backup as failed when its repository cannot be written at all', async () => {
    const cluster = await createWithRows('broken-db', 'broken');
    const client = backend.client();
    const started = await client.createBackup(ref('broken-db'));
    const failed = await eventually(
      async () => {
        const backup = await client.getBackup(ref('broken-db'), started.id);
        return backup.phase === 'Failed' ? backup : undefined;
      },
      { what: 'the backup to fail' },
    );
    expect(failed.error).toMatch(/ENOTDIR|not a directory/i);
    // The backend and the cluster carry on.
    expect(await countRows(await untilReady(client, ref('broken-db'), 1))).toBe(
      5000,
    );
    expect(cluster.metadata.uid).toBeDefined();
  });

  it('deletes only after a final backup that passed its checksum and restore test', async () => {
    const cluster = await createWithRows('final-db', 'default');
    const client = backend.client();
    await client.deleteCluster(ref('final-db'));
    // While the final backup runs, the status says so.
    const deleting = await eventually(
      async () => {
        const { status } = await client.getCluster(ref('final-db'));
        return status?.phase === 'Deleting' ? status : undefined;
      },
      { what: 'final-db to show the Deleting phase' },
    );
    expect(
      deleting.conditions.find(c => c.type === 'Progressing'),
    ).toMatchObject({
      status: 'True',
      reason: 'Deleting',
      message: expect.stringMatching(/^Taking the final backup/),
    });
    // It runs as an operation, which the status shows with its progress.
    expect(deleting.operations).toEqual([
      expect.objectContaining({ kind: 'final-backup', phase: 'Running' }),
    ]);
    await eventually(
      async () =>
        client.getCluster(ref('final-db')).then(
          () => undefined,
          error => (error.response?.status === 404 ? true : undefined),
        ),
      { what: 'final-db to be deleted', timeoutMs: 180_000 },
    );
    const [final] = await client.listBackups(ref('final-db'));
    expect(final).toMatchObject({
      phase: 'Completed',
      trigger: 'final',
      verification: { checksum: 'passed', restoreTest: 'passed' },
    });
    expect(final.verification!.message).toMatch(
      /Restored into a temporary instance/,
    );

    // The deleted cluster's backup restores into a new one with every row.
    await client.restoreCluster(ref('final-db'), {
      name: 'final-copy',
      backup: final.id,
    });
    const copy = await untilReady(client, ref('final-copy'), 1);
    expect(await countRows(copy)).toBe(5000);
    expect(cluster.metadata.uid).not.toBe(copy.metadata.uid);
  });

  it('deletes a cluster that never started without a final backup', async () => {
    const client = backend.client();
    // Admitted, but more memory than the machine has: the engine never
    // starts, and the controller waits for a new spec.
    await client.applyCluster(
      postgresManifest('never-db', {
        terminationPolicy: 'BackupThenDelete',
        parameters: { shared_buffers: '1TB' },
      }),
    );
    await eventually(
      async () => {
        const { status } = await client.getCluster(ref('never-db'));
        return status?.conditions.some(
          c => c.type === 'Degraded' && c.reason === 'ConfigurationRejected',
        )
          ? true
          : undefined;
      },
      { what: 'never-db to fail to start' },
    );

    await client.deleteCluster(ref('never-db'));
    await eventually(
      async () =>
        client.getCluster(ref('never-db')).then(
          () => undefined,
          error => (error.response?.status === 404 ? true : undefined),
        ),
      { what: 'never-db to be deleted' },
    );
    // Before, a final backup of an engine that never ran failed and kept
    // the cluster for good.
    expect(await client.listBackups(ref('never-db'))).toEqual([]);
  });

  it('runs a scheduled backup from the manifest', async () => {
    const client = backend.client();
    await client.applyCluster(
      postgresManifest('scheduled-db', {
        backup: { schedule: '* * * * *', retention: '1d' },
      }),
    );
    await untilReady(client, ref('scheduled-db'), 1);
    const scheduled = await eventually(
      async () => {
        const [latest] = await client.listBackups(ref('scheduled-db'));
        return latest?.trigger === 'scheduled' && latest.phase === 'Completed'
          ? latest
          : undefined;
      },
      { what: 'a scheduled backup', timeoutMs: 130_000 },
    );
    expect(scheduled.requestedBy).toBe('basalt:scheduler');
  });
});
