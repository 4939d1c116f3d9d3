import { testManifest } from '../__testUtils__/manifests';
import {
  STORE_DATABASES,
  useStoreDatabases,
} from '../__testUtils__/testDatabases';
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
});
