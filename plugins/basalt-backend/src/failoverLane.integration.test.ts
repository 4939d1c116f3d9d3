import { ClusterResource, InstanceStatus } from '@basalt/plugin-basalt-common';
import {
  postgresManifest,
  primaryOf,
  untilReady,
  useTestBackend,
} from './__testUtils__/testBackend';
import { serverPidOf } from './__testUtils__/localInstances';
import { eventually } from './testUtils/eventually';

jest.setTimeout(180_000);

const ref = (name: string) => ({ namespace: 'payments', name });

/**
 * A failover while the reconcile queue is busy: with one reconcile slot,
 * taken by a pass that clones a replica through a throttled volume, a
 * killed primary of another cluster is still failed over at once.
 */
describe('the failover lane', () => {
  const backend = useTestBackend({
    ports: { from: 32750, to: 32767 },
    controller: {
      concurrency: 1,
      ha: { probeTimeout: '1s', failureThreshold: 5 },
    },
  });

  const pidOf = (cluster: ClusterResource, instance: InstanceStatus) =>
    serverPidOf(backend.rootDir, cluster, instance);

  const eventsOf = (name: string) =>
    backend.client().listClusterEvents(ref(name), { limit: 100 });

  it('fails over a killed primary while the only reconcile slot clones through a throttled volume', async () => {
    const client = backend.client();
    await client.applyCluster(postgresManifest('steady', { replicas: 2 }));
    const steady = await untilReady(client, ref('steady'), 2);
    const primary = primaryOf(steady);

    // About 40 MiB to copy at 1 MiB/s: its pass holds the slot for a while.
    await client.applyCluster(
      postgresManifest('slow', {
        replicas: 2,
        storage: { size: '200Mi', throughput: '1Mi' },
      }),
    );
    const cloning = async () => {
      const created = (await eventsOf('slow')).filter(
        e => e.reason === 'InstanceCreated',
      );
      return created.length === 1 ? true : undefined;
    };
    await eventually(cloning, { what: 'slow to clone its replica' });

    process.kill(pidOf(steady, primary), 'SIGKILL');
    const failover = await eventually(
      async () =>
        (await eventsOf('steady')).find(e => e.reason === 'Failover') ??
        undefined,
      { what: 'the failover of steady' },
    );
    // The clone still holds the only reconcile slot: the failover did not
    // wait for it.
    expect(await cloning()).toBe(true);
    expect(failover.message).toMatch(
      new RegExp(`^Failed over from ${primary.name} to steady-\\d in \\d+ ms`),
    );
    const durationMs = Number(/ in (\d+) ms/.exec(failover.message)![1]);
    // A bound that holds on a loaded machine; the clone takes far longer.
    expect(durationMs).toBeLessThan(10_000);

    // Both clusters reach their declared state afterwards.
    const after = await untilReady(
      client,
      ref('steady'),
      2,
      c => c.status?.lastFailover?.from === primary.name,
      120_000,
    );
    expect(after.status!.lastFailover).toMatchObject({
      kind: 'failover',
      from: primary.name,
    });
    await untilReady(client, ref('slow'), 2, undefined, 120_000);
  });
});
