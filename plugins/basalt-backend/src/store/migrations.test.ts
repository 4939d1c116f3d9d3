import { testManifest } from '../__testUtils__/manifests';
import {
  STORE_DATABASES,
  useStoreDatabases,
} from '../__testUtils__/testDatabases';
import { BackupStore } from './BackupStore';
import { ClusterStore } from './ClusterStore';
import { migrationsDir } from './migrate';

/** Upgrades keep what a store made by an earlier release holds. */
describe.each(STORE_DATABASES)('migrations on %s', kind => {
  const databases = useStoreDatabases();

  it('takes clusters made before held_data_at was recorded to have held data', async () => {
    const knex = await databases.connectBefore(
      kind,
      '20261206120000_held_data.js',
    );
    const createdAt = '2026-11-30T10:00:00.000Z';
    // A row as the release before wrote it.
    await knex('basalt_clusters').insert({
      uid: 'uid-1',
      namespace: 'payments',
      name: 'payments-db',
      spec: JSON.stringify({ engine: 'postgresql', replicas: 1 }),
      labels: '{}',
      annotations: '{}',
      owner: 'group:default/payments-team',
      created_by: 'user:default/guest',
      generation: 1,
      status: null,
      created_at: createdAt,
      updated_at: createdAt,
    });

    await knex.migrate.latest({ directory: migrationsDir });

    const stored = await new ClusterStore(knex).findByUid('uid-1');
    // A final backup is still taken before it is deleted.
    expect(stored?.lifecycle.heldDataAt).toBe(createdAt);
    // Clusters made after the upgrade record it when a primary is ready.
    const { cluster } = await new ClusterStore(knex).apply(
      testManifest({
        apiVersion: 'basalt.dev/v1alpha1',
        kind: 'EngineCluster',
        metadata: { namespace: 'payments', name: 'new-db' },
        spec: { engine: 'postgresql' },
      }),
      { owner: 'group:default/payments-team', userRef: 'user:default/guest' },
    );
    const fresh = await new ClusterStore(knex).findByUid(cluster.metadata.uid);
    expect(fresh?.lifecycle.heldDataAt).toBeUndefined();
  });

  it('keeps the WAL span of backups taken before log spans, as log and wal', async () => {
    const knex = await databases.connectBefore(
      kind,
      '20261207120000_backup_log.js',
    );
    const at = '2026-12-01T02:00:00.000Z';
    const manifest = testManifest({
      apiVersion: 'basalt.dev/v1alpha1',
      kind: 'EngineCluster',
      metadata: { namespace: 'payments', name: 'payments-db' },
      spec: { engine: 'postgresql' },
    });
    // Rows as the release before wrote them: a physical and a logical backup.
    const row = (id: string, method: string, wal: object | null) => ({
      id,
      cluster_uid: 'uid-1',
      namespace: 'payments',
      name: 'payments-db',
      owner: 'group:default/payments-team',
      manifest: JSON.stringify(manifest),
      method,
      trigger: 'scheduled',
      phase: 'Completed',
      repository: 'default',
      started_at: at,
      completed_at: at,
      heartbeat_at: at,
      size_bytes: 10,
      objects: '[]',
      wal: wal && JSON.stringify(wal),
      error: null,
      verification: null,
      requested_by: null,
    });
    await knex('basalt_backups').insert([
      row('b-physical', 'physical', {
        start: '0/3000028',
        end: '0/3000100',
        timeline: 2,
      }),
      row('b-logical', 'logical', null),
    ]);

    await knex.migrate.latest({ directory: migrationsDir });

    const store = new BackupStore(knex);
    const physical = await store.find('b-physical');
    expect(physical?.record.log).toEqual({
      start: '0/3000028',
      end: '0/3000100',
      details: { timeline: 2 },
    });
    // The API keeps the old field for one release.
    expect(physical?.record.wal).toEqual({
      start: '0/3000028',
      end: '0/3000100',
      timeline: 2,
    });
    const logical = await store.find('b-logical');
    expect(logical?.record.log).toBeUndefined();
    expect(logical?.record.wal).toBeUndefined();
  });

  it('renames walArchiving to logArchiving in stored clusters and the manifests of their backups', async () => {
    const knex = await databases.connectBefore(
      kind,
      '20261207130000_log_archiving.js',
    );
    const at = '2026-12-01T02:00:00.000Z';
    const spec = (walArchiving: boolean) => ({
      engine: 'postgresql',
      version: '15',
      replicas: 1,
      backup: { repository: 'default', walArchiving, restoreTest: true },
    });
    // Rows as the release before wrote them.
    const cluster = (uid: string, name: string, walArchiving: boolean) => ({
      uid,
      namespace: 'payments',
      name,
      spec: JSON.stringify(spec(walArchiving)),
      labels: '{}',
      annotations: '{}',
      owner: 'group:default/payments-team',
      created_by: 'user:default/guest',
      generation: 1,
      status: null,
      created_at: at,
      updated_at: at,
    });
    await knex('basalt_clusters').insert([
      cluster('uid-1', 'archived-db', true),
      cluster('uid-2', 'unarchived-db', false),
      {
        ...cluster('uid-3', 'default-db', true),
        spec: JSON.stringify({ engine: 'postgresql', replicas: 1 }),
      },
    ]);
    await knex('basalt_backups').insert({
      id: 'b-1',
      cluster_uid: 'uid-2',
      namespace: 'payments',
      name: 'unarchived-db',
      owner: 'group:default/payments-team',
      manifest: JSON.stringify({
        apiVersion: 'basalt.dev/v1alpha1',
        kind: 'EngineCluster',
        metadata: { namespace: 'payments', name: 'unarchived-db' },
        spec: spec(false),
      }),
      method: 'logical',
      trigger: 'scheduled',
      phase: 'Completed',
      repository: 'default',
      started_at: at,
      completed_at: at,
      heartbeat_at: at,
      size_bytes: 10,
      objects: '[]',
      log: null,
      error: null,
      verification: null,
      requested_by: null,
    });

    await knex.migrate.latest({ directory: migrationsDir });

    const clusters = new ClusterStore(knex);
    const backupOf = async (uid: string) =>
      (await clusters.findByUid(uid))?.cluster.spec.backup;
    expect(await backupOf('uid-1')).toEqual({
      repository: 'default',
      logArchiving: true,
      restoreTest: true,
    });
    expect(await backupOf('uid-2')).toEqual({
      repository: 'default',
      logArchiving: false,
      restoreTest: true,
    });
    expect(await backupOf('uid-3')).toBeUndefined();
    const backup = await new BackupStore(knex).find('b-1');
    expect(backup?.manifest.spec.backup).toEqual({
      repository: 'default',
      logArchiving: false,
      restoreTest: true,
    });
  });
});
