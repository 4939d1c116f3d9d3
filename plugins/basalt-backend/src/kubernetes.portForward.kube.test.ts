import { CoreV1Api } from '@kubernetes/client-node';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import {
  podsOf,
  queryPod,
  useKubernetesBackend,
  withRole,
} from './__testUtils__/kubernetesBackend';
import {
  postgresManifest,
  untilBackupFinished,
  untilReady,
  untilRestored,
} from './__testUtils__/testBackend';
import { eventually } from './testUtils/eventually';

jest.setTimeout(300_000);

const ref = (name: string) => ({ namespace: 'payments', name });

/**
 * The backend as it runs outside the cluster: every engine connection it
 * makes (probes, promotion, accounts, backups, logical restores) goes
 * through the API server's port-forward, while the Pods replicate from each
 * other over the Pod network.
 */
describe('the kubernetes runtime through port-forward', () => {
  const kube = useKubernetesBackend({
    nodes: 3,
    access: 'portForward',
  });

  async function rowsOf(cluster: ClusterResource, role: 'primary' | 'replica') {
    const [pod] = withRole(await podsOf(kube.admin(), cluster), role);
    return queryPod(
      kube.admin(),
      cluster,
      pod,
      'select id, label from items order by id',
      'orders',
    );
  }

  it('replicates, backs up and restores with the backend on the far side of the API server', async () => {
    const client = kube.client();
    await client.applyCluster(
      postgresManifest('ledger', { replicas: 2, databases: ['orders'] }),
    );
    const source = await untilReady(client, ref('ledger'), 2);
    // The backend's addresses are its own port-forward listeners.
    for (const instance of source.status!.instances) {
      expect(instance.address).toMatch(/^127\.0\.0\.1:\d+$/);
    }
    const [primaryPod] = withRole(
      await podsOf(kube.admin(), source),
      'primary',
    );
    await queryPod(
      kube.admin(),
      source,
      primaryPod,
      `create table items (id int primary key, label text);
       insert into items select g, md5(g::text) from generate_series(1, 500) g`,
      'orders',
    );
    // The replica, cloned from the primary's Pod IP, streams the rows.
    const written = await rowsOf(source, 'primary');
    await eventually(
      async () =>
        (await rowsOf(source, 'replica').catch(() => [])).length === 500 ||
        undefined,
      { what: 'the replica to stream the rows', timeoutMs: 60_000 },
    );

    // What the volumes hold is measured in their Pods (du through exec).
    const holding = (await client.listPools()).filter(p => p.volumes.count);
    expect(holding.map(p => p.node).sort()).toEqual(
      source.status!.instances.map(i => i.node).sort(),
    );
    for (const pool of holding) {
      expect(pool.capacity.usedBytes).toBeGreaterThan(16 * 1024 * 1024);
    }

    // Physical: streamed from the primary through the forward, unpacked
    // into the new Pod's volume through exec and recovered there.
    // Logical: dumped and loaded through the forward.
    for (const method of ['physical', 'logical'] as const) {
      const started = await client.createBackup(ref('ledger'), { method });
      const backup = await untilBackupFinished(
        client,
        ref('ledger'),
        started.id,
      );
      expect(backup.phase).toBe('Completed');
      await client.restoreCluster(ref('ledger'), {
        name: `ledger-${method}`,
        backup: backup.id,
      });
      const restored = await untilRestored(
        client,
        ref(`ledger-${method}`),
        2,
        180_000,
      );
      expect(await rowsOf(restored, 'primary')).toEqual(written);
    }

    for (const name of ['ledger', 'ledger-physical', 'ledger-logical']) {
      await client.deleteCluster(ref(name));
    }
    const core = kube.admin().makeApiClient(CoreV1Api);
    await eventually(
      async () => {
        const { items } = await core.listNamespacedPod({ namespace: 'basalt' });
        return items.length === 0 || undefined;
      },
      { what: 'every Pod to be gone', timeoutMs: 120_000 },
    );
  });
});
