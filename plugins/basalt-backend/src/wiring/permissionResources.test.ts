import { testManifest } from '../__testUtils__/manifests';
import {
  STORE_DATABASES,
  useStoreDatabases,
} from '../__testUtils__/testDatabases';
import { BackupStore, ClusterStore } from '../store';
import { permissionResources } from './createBackups';

const manifest = (name: string) =>
  testManifest({
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: { name, namespace: 'payments' },
    spec: { engine: 'postgresql' },
  });

describe.each(STORE_DATABASES)('permission resources on %s', kind => {
  const databases = useStoreDatabases();

  it('answers for a deleted cluster with the owner its backups recorded', async () => {
    const knex = await databases.connect(kind);
    const clusters = new ClusterStore(knex);
    const backups = new BackupStore(knex);
    const live = await clusters.apply(manifest('live-db'), {
      owner: 'group:default/payments-team',
      userRef: 'user:default/jane',
    });
    const gone = await clusters.apply(manifest('gone-db'), {
      owner: 'group:default/ledger-team',
      userRef: 'user:default/jane',
    });
    await backups.start({
      id: '20261124T000000Z-000001',
      cluster: {
        namespace: 'payments',
        name: 'gone-db',
        uid: gone.cluster.metadata.uid,
      },
      owner: 'group:default/ledger-team',
      manifest: manifest('gone-db'),
      method: 'physical',
      trigger: 'final',
      repository: 'default',
      startedAt: new Date().toISOString(),
    });
    await clusters.remove(gone.cluster.metadata.uid);

    expect(
      await permissionResources(
        ['payments/live-db', 'payments/gone-db', 'payments/never-db'],
        clusters,
        backups,
      ),
    ).toEqual([
      { ref: 'payments/live-db', owner: 'group:default/payments-team' },
      { ref: 'payments/gone-db', owner: 'group:default/ledger-team' },
      undefined,
    ]);
    expect(live.created).toBe(true);
  });
});
