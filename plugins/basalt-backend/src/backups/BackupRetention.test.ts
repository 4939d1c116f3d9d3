import { mockServices } from '@backstage/backend-test-utils';
import { PostgresDriver } from '../engines/postgresql';
import { testManifest } from '../__testUtils__/manifests';
import { promises as fs } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import {
  STORE_DATABASES,
  useStoreDatabases,
} from '../__testUtils__/testDatabases';
import { BackupStore } from '../store';
import { BackupRepositories } from './BackupRepositories';
import { BackupRetention } from './BackupRetention';
import { backupPrefix, logPrefix } from './backupKeys';

const DAY = 24 * 3_600_000;
const cluster = { namespace: 'payments', name: 'orders-db', uid: 'uid-1' };
const manifest = testManifest({
  apiVersion: 'basalt.dev/v1alpha1',
  kind: 'EngineCluster',
  metadata: { name: 'orders-db', namespace: 'payments' },
  spec: { engine: 'postgresql', backup: { retention: '1d' } },
});

describe.each(STORE_DATABASES)('BackupRetention on %s', kind => {
  const databases = useStoreDatabases();
  let root: string;
  let backups: BackupStore;
  let repositories: BackupRepositories;
  let retention: BackupRetention;

  beforeEach(async () => {
    root = await fs.mkdtemp(join(tmpdir(), 'basalt-retention-'));
    backups = new BackupStore(await databases.connect(kind));
    repositories = new BackupRepositories({
      default: { type: 'filesystem', path: root },
    });
    retention = new BackupRetention({
      backups,
      repositories,
      drivers: new Map([['postgresql', new PostgresDriver()]]),
      logger: mockServices.logger.mock(),
    });
  });

  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  /** A backup with one real object, completed or failed, of `method`. */
  async function backup(
    id: string,
    phase: 'Completed' | 'Failed',
    walStart = '0/3000028',
  ) {
    await backups.start({
      id,
      cluster,
      owner: 'group:default/payments-team',
      manifest,
      method: 'physical',
      trigger: 'scheduled',
      repository: 'default',
      startedAt: new Date().toISOString(),
    });
    const key = `${backupPrefix(cluster, id)}base.tar.gz`;
    const digest = await repositories
      .get('default')
      .put(key, Readable.from([Buffer.from(`backup ${id}`)]));
    if (phase === 'Failed') {
      await backups.fail(id, 'the repository failed');
    } else {
      await backups.complete(id, {
        objects: [{ key, name: 'base.tar.gz', ...digest }],
        log: { start: walStart, end: walStart, details: { timeline: 1 } },
      });
    }
  }

  const wal = (name: string) =>
    repositories
      .get('default')
      .put(`${logPrefix(cluster)}${name}`, Readable.from([Buffer.from(name)]));

  const ids = async () =>
    (await backups.listForCluster('payments', 'orders-db')).map(
      b => b.record.id,
    );

  const walFiles = async () =>
    (await repositories.get('default').list(logPrefix(cluster))).map(o =>
      o.key.slice(logPrefix(cluster).length),
    );

  it('keeps what is younger than the retention', async () => {
    await backup('b1', 'Completed');
    await backup('b2', 'Completed');

    await retention.apply(Date.now() + DAY / 2);

    expect(await ids()).toEqual(expect.arrayContaining(['b1', 'b2']));
  });

  it('prunes expired backups and their objects, never the newest good one', async () => {
    await backup('b1', 'Completed', '0/3000028');
    await backup('b2', 'Completed', '0/5000028');
    await backup('b3', 'Failed');

    await retention.apply(Date.now() + 2 * DAY);

    expect(await ids()).toEqual(['b2']);
    const left = await repositories.get('default').list('payments/');
    expect(left.map(o => o.key)).toEqual([
      `${backupPrefix(cluster, 'b2')}base.tar.gz`,
    ]);
  });

  it('prunes the WAL that no retained backup needs, keeping history files', async () => {
    await backup('b1', 'Completed', '0/3000028');
    await backup('b2', 'Completed', '0/5000028');
    for (const name of [
      '000000010000000000000003',
      '000000010000000000000004',
      '000000010000000000000005',
      '000000010000000000000006',
      '00000002.history',
    ]) {
      await wal(name);
    }

    await retention.apply(Date.now() + 2 * DAY);

    expect(await walFiles()).toEqual([
      '000000010000000000000005',
      '000000010000000000000006',
      '00000002.history',
    ]);
  });

  it('leaves everything of a cluster without a retention', async () => {
    const forever = testManifest({
      ...manifest,
      spec: { engine: 'postgresql' },
    });
    await backups.start({
      id: 'k1',
      cluster,
      owner: 'group:default/payments-team',
      manifest: forever,
      method: 'logical',
      trigger: 'manual',
      repository: 'default',
      startedAt: new Date().toISOString(),
    });
    await backups.fail('k1', 'failed');

    await retention.apply(Date.now() + 365 * DAY);

    expect(await ids()).toEqual(['k1']);
  });
});
