import { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { withSession } from './engines/redis/connection';
import {
  credentialsOf,
  enginePortOf,
  podsOf,
  useKubernetesBackend,
  withRole,
} from './__testUtils__/kubernetesBackend';
import {
  primaryOf,
  redisManifest,
  untilReady,
} from './__testUtils__/testBackend';
import { eventually } from './testUtils/eventually';

jest.setTimeout(240_000);

const NAMESPACE = 'basalt';
const TIMEOUTS = { connectTimeoutMs: 5_000, commandTimeoutMs: 5_000 };

describe('Redis on the kubernetes runtime', () => {
  const kube = useKubernetesBackend({ nodes: 2 });
  const ref = { namespace: 'payments', name: 'sessions' };

  /** Runs a command as `account` straight at the Pod's address. */
  async function onPod(
    cluster: ClusterResource,
    pod: V1Pod,
    account: string,
    command: string[],
  ) {
    const credentials = await credentialsOf(kube.admin(), cluster);
    const password =
      account === 'basalt'
        ? credentials.superuser.password
        : credentials.accounts[account];
    return withSession(
      { host: pod.status!.podIP!, port: enginePortOf(pod) },
      { username: account, password },
      TIMEOUTS,
      session => session.command(command),
    );
  }

  it('runs a replicated cache from the image built from Debian, its account logging in at the primary', async () => {
    const client = kube.client();
    await client.applyCluster(
      redisManifest('sessions', {
        replicas: 2,
        accounts: [{ name: 'app' }],
      }),
    );
    const cluster = await untilReady(client, ref, 2, undefined, 120_000);
    const pods = await podsOf(kube.admin(), cluster);
    const [primary] = withRole(pods, 'primary');
    const [replica] = withRole(pods, 'replica');

    await onPod(cluster, primary, 'app', ['SET', 'session:1', 'alice']);
    await expect(
      onPod(cluster, replica, 'app', ['SET', 'session:2', 'bob']),
    ).rejects.toThrow(/READONLY/);
    await eventually(
      async () =>
        (await onPod(cluster, replica, 'app', ['GET', 'session:1'])) === 'alice'
          ? true
          : undefined,
      { what: 'the replica to have the key' },
    );
  });

  it('promotes the replica when the primary Pod is lost, keeping its keys', async () => {
    const client = kube.client();
    const cluster = await untilReady(client, ref, 2, undefined, 120_000);
    const old = primaryOf(cluster);
    const [oldPod] = withRole(await podsOf(kube.admin(), cluster), 'primary');

    await kube.admin().makeApiClient(CoreV1Api).deleteNamespacedPod({
      namespace: NAMESPACE,
      name: oldPod.metadata!.name!,
      gracePeriodSeconds: 0,
    });
    const after = await untilReady(
      client,
      ref,
      2,
      c =>
        primaryOf(c)?.name !== old.name &&
        c.status?.lastFailover?.from === old.name &&
        c.status.instances.every(i => i.ready),
      120_000,
    );

    const [promoted] = withRole(await podsOf(kube.admin(), after), 'primary');
    await expect(
      onPod(after, promoted, 'app', ['GET', 'session:1']),
    ).resolves.toBe('alice');
    await onPod(after, promoted, 'app', ['SET', 'session:3', 'carol']);
    // The lost member is back as a replica of the new primary.
    const [returned] = withRole(await podsOf(kube.admin(), after), 'replica');
    await eventually(
      async () =>
        (await onPod(after, returned, 'app', ['GET', 'session:3'])) === 'carol'
          ? true
          : undefined,
      { what: 'the returned member to follow the new primary' },
    );
  });
});
