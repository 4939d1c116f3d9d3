import { ClusterResource } from '@basalt/plugin-basalt-common';
import { promises as fs, readFileSync } from 'fs';
import { join } from 'path';
import { connect } from './__testUtils__/clusterApi';
import {
  S3RVER_CREDENTIALS,
  startS3rver,
  TestS3Server,
} from './__testUtils__/s3rver';
import { RedisSession, withSession } from './engines/redis/connection';
import {
  postgresManifest,
  redisManifest,
  untilBackupFinished,
  untilReady,
  untilRestored,
  useTestBackend,
} from './__testUtils__/testBackend';
import { eventually } from './testUtils/eventually';

jest.setTimeout(180_000);

const BUCKET = 'basalt-backups';
const ref = (name: string) => ({ namespace: 'payments', name });

describe('backups in an S3-compatible repository', () => {
  let s3: TestS3Server | undefined;

  // Before the backend's: its config names the server's endpoint.
  beforeAll(async () => {
    s3 = await startS3rver(BUCKET);
  });

  afterAll(() => s3?.stop());

  const backend = useTestBackend({
    ports: { from: 31600, to: 31699 },
    resync: true,
    redis: true,
    backups: () => ({
      repositories: {
        default: {
          type: 's3',
          endpoint: s3!.endpoint,
          region: 'us-east-1',
          bucket: BUCKET,
          prefix: 'basalt',
          forcePathStyle: true,
          ...S3RVER_CREDENTIALS,
        },
      },
      housekeepingInterval: '1s',
      logArchiveInterval: '1s',
    }),
  });

  it('backs up, archives WAL and restores the latest state through S3', async () => {
    const client = backend.client();
    await client.applyCluster(postgresManifest('s3-src'));
    const source = await untilReady(client, ref('s3-src'), 1);
    const db = await connect(source, 'readWrite');
    await db.query(
      'create table t as select g as id, md5(g::text) as v from generate_series(1, 3000) g',
    );
    const started = await client.createBackup(ref('s3-src'));
    const backup = await untilBackupFinished(client, ref('s3-src'), started.id);
    expect(backup).toMatchObject({ phase: 'Completed', repository: 'default' });
    expect(backup.objects![0].key).toMatch(
      new RegExp(
        `^payments/s3-src/${source.metadata.uid}/backups/${backup.id}/`,
      ),
    );

    // Written after the backup: only archived WAL brings it back.
    await db.query("insert into t values (3001, 'after the backup')");
    const { rows } = await db.query(
      'select pg_walfile_name(pg_current_wal_lsn()) as segment, pg_switch_wal()',
    );
    await db.end();
    const archived = join(
      s3!.directory,
      BUCKET,
      'basalt',
      'payments',
      's3-src',
      source.metadata.uid,
      'wal',
      rows[0].segment,
    );
    await eventually(
      () =>
        fs.readdir(join(archived, '..')).then(
          files =>
            files.some(f => f.startsWith(rows[0].segment)) ? true : undefined,
          () => undefined,
        ),
      { what: `WAL segment ${rows[0].segment} in the bucket` },
    );

    await client.restoreCluster(ref('s3-src'), { name: 's3-copy' });
    const copy = await untilRestored(client, ref('s3-copy'));
    const check = await connect(copy, 'readWrite');
    const { rows: restored } = await check.query(
      'select count(*)::int as n, max(v) filter (where id = 3001) as last from t',
    );
    await check.end();
    expect(restored[0]).toEqual({ n: 3001, last: 'after the backup' });
  });

  it('backs up a Redis snapshot into S3 and restores it key by key', async () => {
    const client = backend.client();
    await client.applyCluster(
      redisManifest('s3-cache', { accounts: [{ name: 'app' }] }),
    );
    const source = await untilReady(client, ref('s3-cache'), 1);
    const keys = Array.from({ length: 300 }, (_, i) => `item:${i}`);
    await asApp(source, async session => {
      for (const key of keys) await session.command(['SET', key, `v-${key}`]);
    });

    const started = await client.createBackup(ref('s3-cache'));
    const backup = await untilBackupFinished(
      client,
      ref('s3-cache'),
      started.id,
    );
    expect(backup).toMatchObject({ phase: 'Completed', method: 'physical' });
    expect(backup.objects!.map(o => o.key)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^payments/s3-cache/${source.metadata.uid}/backups/${backup.id}/dump\\.rdb$`,
        ),
      ),
    ]);

    await client.restoreCluster(ref('s3-cache'), { name: 's3-cache-copy' });
    const copy = await untilRestored(client, ref('s3-cache-copy'));
    const values = (await asApp(copy, session =>
      session.command(['MGET', ...keys]),
    )) as string[];
    expect(values).toEqual(keys.map(key => `v-${key}`));
  });

  function asApp<T>(
    cluster: ClusterResource,
    use: (session: RedisSession) => Promise<T>,
  ): Promise<T> {
    const [host, port] = cluster.status!.endpoints.readWrite!.split(':');
    const { credentials } = JSON.parse(
      readFileSync(cluster.status!.credentials!.location, 'utf8'),
    );
    return withSession(
      { host, port: Number(port) },
      { username: 'app', password: credentials.accounts.app },
      { connectTimeoutMs: 5_000, commandTimeoutMs: 5_000 },
      use,
    );
  }
});
