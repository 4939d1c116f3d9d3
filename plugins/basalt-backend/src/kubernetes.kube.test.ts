import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { mockServices } from '@backstage/backend-test-utils';
import { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { Client } from 'pg';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import {
  enginePortOf,
  podsOf,
  queryPod,
  useKubernetesBackend,
  withRole,
} from './__testUtils__/kubernetesBackend';
import { LABELS } from './runtime/kubernetes/names';
import { KubernetesRuntime } from './runtime/kubernetes/KubernetesRuntime';
import { NamespaceMapping } from './runtime/kubernetes/NamespaceMapping';
import { PodExec } from './runtime/kubernetes/PodExec';
import { DATA_DIR } from './runtime/kubernetes/manifests/pod';
import { postgresImageOn } from './runtime/kubernetes/__testUtils__/postgresImage';
import {
  postgresManifest,
  primaryOf,
  untilReady as untilReadyWithin,
} from './__testUtils__/testBackend';
import { eventually } from './testUtils/eventually';

jest.setTimeout(240_000);

const NAMESPACE = 'basalt';

/**
 * `untilReady` with room for a loaded machine: every instance is created
 * through the API server and the kubelet.
 */
const untilReady = (
  ...[client, ref, replicas, also]: Parameters<typeof untilReadyWithin>
) => untilReadyWithin(client, ref, replicas, also, 120_000);

describe('the kubernetes runtime on a real API server', () => {
  const kube = useKubernetesBackend({ nodes: 3 });
  const ref = (name: string) => ({ namespace: 'payments', name });
  let core: CoreV1Api;

  beforeAll(() => {
    core = kube.admin().makeApiClient(CoreV1Api);
  });

  /** Every object of the cluster, by kind, as sorted names. */
  async function objectsOf(cluster: ClusterResource) {
    const labelSelector = `${LABELS.clusterUid}=${cluster.metadata.uid}`;
    const names = (items: { metadata?: { name?: string } }[]) =>
      items.map(item => item.metadata!.name!).sort();
    const [pods, claims, services, secrets, configMaps, volumes] =
      await Promise.all([
        podsOf(kube.admin(), cluster),
        core.listNamespacedPersistentVolumeClaim({
          namespace: NAMESPACE,
          labelSelector,
        }),
        core.listNamespacedService({ namespace: NAMESPACE, labelSelector }),
        core.listNamespacedSecret({ namespace: NAMESPACE, labelSelector }),
        core.listNamespacedConfigMap({ namespace: NAMESPACE, labelSelector }),
        core.listPersistentVolume({ labelSelector }),
      ]);
    return {
      pods: names(pods),
      claims: names(claims.items),
      services: names(services.items),
      secrets: names(secrets.items),
      configMaps: names(configMaps.items),
      volumes: names(volumes.items),
      podObjects: pods,
      volumeObjects: volumes.items,
    };
  }

  // What a test started beside the backend, stopped even when it fails.
  const afterStopping: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(afterStopping.splice(0).map(stop => stop()));
  });

  /** Rows through the Pod's IP, with the credentials from the Secret. */
  const query = (cluster: ClusterResource, pod: V1Pod, sql: string) =>
    queryPod(kube.admin(), cluster, pod, sql);

  /** The cluster's one primary Pod, once it is one that `isNew` accepts. */
  const newPrimary = (
    cluster: ClusterResource,
    isNew: (pod: V1Pod) => boolean,
    timeoutMs: number,
  ) =>
    eventually(
      async () => {
        const primaries = withRole(
          await podsOf(kube.admin(), cluster),
          'primary',
        );
        return primaries.length === 1 && isNew(primaries[0])
          ? primaries[0]
          : undefined;
      },
      { timeoutMs, what: 'a replica promoted' },
    );

  /**
   * Waits until the 2-instance cluster `name` has healed around `promoted`:
   * it is the primary, and the lost member is back as its replica.
   */
  const untilHealed = async (name: string, promoted: V1Pod) => {
    const healed = await untilReady(
      kube.client(),
      ref(name),
      2,
      current =>
        primaryOf(current).name === promoted.metadata!.labels![LABELS.instance],
    );
    expect(healed.status!.instances.map(i => i.role).sort()).toEqual([
      'primary',
      'replica',
    ]);
  };

  it('creates exactly the objects of a cluster, scales it and deletes it leaving nothing', async () => {
    const client = kube.client();
    const resources = { cpu: '500m', memory: '512Mi' };
    await client.applyCluster(
      postgresManifest('orders', { replicas: 2, resources }),
    );
    let cluster = await untilReady(client, ref('orders'), 2);

    let objects = await objectsOf(cluster);
    expect(objects).toMatchObject({
      pods: ['payments-orders-0', 'payments-orders-1'],
      claims: ['payments-orders-0-data', 'payments-orders-1-data'],
      services: ['payments-orders-ro', 'payments-orders-rw'],
      secrets: ['payments-orders-credentials'],
      configMaps: ['payments-orders-config'],
      volumes: [
        'basalt-payments-orders-0-data',
        'basalt-payments-orders-1-data',
      ],
    });
    // Anti-affinity: each volume pinned to its own node, and its Pod there.
    const nodes = objects.volumeObjects.map(
      volume =>
        volume.spec!.nodeAffinity!.required!.nodeSelectorTerms[0]
          .matchExpressions![0].values![0],
    );
    expect(new Set(nodes).size).toBe(2);
    for (const pod of objects.podObjects) {
      expect(pod.metadata!.ownerReferences![0]).toMatchObject({
        kind: 'ConfigMap',
        name: 'payments-orders-config',
      });
      // The API server stored the engine's requests and limits as given.
      const engine = pod.spec!.containers.find(c => c.name === 'engine')!;
      expect(engine.resources).toEqual({
        requests: { cpu: '500m', memory: '512Mi' },
        limits: { cpu: '500m', memory: '512Mi' },
      });
    }
    const config = await core.readNamespacedConfigMap({
      namespace: NAMESPACE,
      name: 'payments-orders-config',
    });
    expect(config.data!['postgresql.conf']).toContain('hot_standby');
    // Sized from the memory: a quarter of 512Mi.
    expect(config.data!['postgresql.conf']).toContain(
      "shared_buffers = '128MB'",
    );
    // The read-write Service selects exactly the primary's role label.
    const rw = await core.readNamespacedService({
      namespace: NAMESPACE,
      name: 'payments-orders-rw',
    });
    expect(rw.spec!.selector).toEqual({
      'app.kubernetes.io/managed-by': 'basalt',
      [LABELS.clusterUid]: cluster.metadata.uid,
      [LABELS.role]: 'primary',
    });
    const [primary] = withRole(objects.podObjects, 'primary');
    const primaryStatus = primaryOf(cluster);
    expect(primary.metadata!.labels![LABELS.instance]).toBe(primaryStatus.name);
    expect(cluster.status!.endpoints.readWrite).toBe(
      'payments-orders-rw.basalt.svc.cluster.local:5432',
    );
    await query(
      cluster,
      primary,
      'create table t (v int); insert into t values (1)',
    );

    await client.applyCluster(
      postgresManifest('orders', { replicas: 3, resources }),
    );
    cluster = await untilReady(client, ref('orders'), 3);
    objects = await objectsOf(cluster);
    expect(objects.pods).toHaveLength(3);
    expect(objects.volumes).toHaveLength(3);
    const replica = objects.podObjects.find(
      pod => pod.metadata!.name === 'payments-orders-2',
    )!;
    await eventually(async () =>
      (await query(cluster, replica, 'select v from t')).length === 1
        ? true
        : undefined,
    );

    await client.applyCluster(
      postgresManifest('orders', { replicas: 1, resources }),
    );
    cluster = await untilReady(client, ref('orders'), 1);
    objects = await eventually(async () => {
      const now = await objectsOf(cluster);
      return now.pods.length === 1 && now.volumes.length === 1
        ? now
        : undefined;
    });
    expect(objects.claims).toHaveLength(1);

    await client.deleteCluster(ref('orders'));
    await eventually(
      async () => {
        const left = await objectsOf(cluster);
        return [
          left.pods,
          left.claims,
          left.services,
          left.secrets,
          left.configMaps,
          left.volumes,
        ].every(list => list.length === 0)
          ? true
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
  });

  it('streams data through an engine program and into a file in a Pod, never whole', async () => {
    const client = kube.client();
    await client.applyCluster(postgresManifest('stream'));
    const cluster = await untilReady(client, ref('stream'), 1);
    // A runtime with the backend's own (RBAC-limited) identity.
    const runtime = await KubernetesRuntime.create({
      kubeConfig: kube.backendKubeConfig(),
      namespaces: new NamespaceMapping(NAMESPACE),
      access: 'portForward',
      network: { mode: 'host', hostPorts: { from: 15000, to: 15999 } },
      images: { postgresql: postgresImageOn(kube.kube()) },
      logger: mockServices.logger.mock(),
      podStartTimeoutMs: 60_000,
    });
    const { uid } = cluster.metadata;
    const key = { ...ref('stream'), uid };
    afterStopping.push(() => runtime.stop());
    const host = await runtime.instanceHost(key, 'stream-0', 'postgresql');
    // More than one frame (1 MiB) and with every byte value.
    const input = randomBytes(3 * 1024 * 1024 + 17);
    const digest = (data: Buffer) =>
      createHash('sha256').update(data).digest('hex');

    const program = host.spawn('cat', []);
    const output = createHash('sha256');
    await Promise.all([
      pipeline(Readable.from([input]), program.stdin),
      pipeline(program.stdout, output),
      program.exited,
    ]);
    expect(output.digest('hex')).toBe(digest(input));

    await host.writeFileFrom('streamed/input.bin', Readable.from([input]));
    const { stdout } = await host.exec('sha256sum', [
      `${DATA_DIR}/streamed/input.bin`,
    ]);
    expect(stdout.split(' ')[0]).toBe(digest(input));

    const failing = host.spawn('false', []);
    failing.stdin.end();
    failing.stdout.resume();
    await expect(failing.exited).rejects.toThrow('false in basalt/');
    await expect(
      runtime.instanceHost(key, 'stream-9', 'postgresql'),
    ).rejects.toThrow('not found');
  });

  it('promotes a replica when the primary Pod is lost, and the read-write Service follows', async () => {
    const client = kube.client();
    await client.applyCluster(postgresManifest('ledger', { replicas: 2 }));
    const cluster = await untilReady(client, ref('ledger'), 2);
    const [oldPrimary] = withRole(
      await podsOf(kube.admin(), cluster),
      'primary',
    );
    await query(
      cluster,
      oldPrimary,
      'create table t (v int); insert into t values (1)',
    );

    await core.deleteNamespacedPod({
      namespace: NAMESPACE,
      name: oldPrimary.metadata!.name!,
      gracePeriodSeconds: 0,
    });

    const promoted = await newPrimary(
      cluster,
      pod => pod.metadata!.name !== oldPrimary.metadata!.name,
      60_000,
    );
    expect(await query(cluster, promoted, 'select v from t')).toEqual([
      { v: 1 },
    ]);
    // The lost member comes back as a replica of the new primary.
    await untilHealed('ledger', promoted);
  });

  it('fails over from a hung primary engine, whose Pod is fenced and rebuilt', async () => {
    const client = kube.client();
    await client.applyCluster(postgresManifest('frozen', { replicas: 2 }));
    const cluster = await untilReady(client, ref('frozen'), 2);
    const [hung] = withRole(await podsOf(kube.admin(), cluster), 'primary');
    // The postmaster stops (SIGSTOP): connections hang, the Pod stays
    // Running and its container is not restarted.
    await new PodExec(kube.admin()).run(
      { namespace: NAMESPACE, pod: hung.metadata!.name!, container: 'engine' },
      ['sh', '-c', `kill -STOP "$(head -n 1 ${DATA_DIR}/postmaster.pid)"`],
    );

    const promoted = await newPrimary(
      cluster,
      pod => pod.metadata!.name !== hung.metadata!.name,
      90_000,
    );
    // Fenced: the hung Pod was deleted (its kubelet killed the engine) and
    // the instance rebuilt as a replica of the new primary.
    await untilHealed('frozen', promoted);
    const pods = await podsOf(kube.admin(), cluster);
    expect(pods.map(pod => pod.metadata!.uid)).not.toContain(
      hung.metadata!.uid,
    );
    await client.deleteCluster(ref('frozen'));
  });

  it('promotes a replica when the primary node stops being ready', async () => {
    const client = kube.client();
    await client.applyCluster(postgresManifest('billing', { replicas: 2 }));
    const cluster = await untilReady(client, ref('billing'), 2);
    const [oldPrimary] = withRole(
      await podsOf(kube.admin(), cluster),
      'primary',
    );
    const lostNode = oldPrimary.spec!.nodeName!;

    await kube.kube().loseNode(lostNode);

    const promoted = await newPrimary(
      cluster,
      pod => pod.spec!.nodeName !== lostNode,
      90_000,
    );
    expect(promoted.metadata!.labels![LABELS.instance]).not.toBe(
      oldPrimary.metadata!.labels![LABELS.instance],
    );
    // The old primary was fenced while its node was away (its Pod removed
    // from the API; its engine kept running there, unreachable through the
    // Services). The node's kubelet comes back, stops it, and the member is
    // rebuilt as a replica of the new primary.
    await kube.kube().restoreNode(lostNode);
    await untilHealed('billing', promoted);
    await client.deleteCluster(ref('billing'));
  });

  it('keeps a Service Binding Secret per account, current when its password rotates', async () => {
    const client = kube.client();
    await client.applyCluster(
      postgresManifest('bound', {
        databases: ['orders'],
        accounts: [{ name: 'orders_app', databases: ['orders'] }],
      }),
    );
    const cluster = await untilReady(client, ref('bound'), 1);
    const name = 'payments-bound-binding-orders-app';
    const binding = async () => {
      const secret = await core.readNamespacedSecret({
        namespace: NAMESPACE,
        name,
      });
      const entries = Object.fromEntries(
        Object.entries(secret.data!).map(([key, value]) => [
          key,
          Buffer.from(value, 'base64').toString(),
        ]),
      );
      return { type: secret.type, entries };
    };
    const before = await eventually(() => binding());
    expect(before.type).toBe('servicebinding.io/postgresql');
    expect(before.entries).toMatchObject({
      type: 'postgresql',
      provider: 'basalt',
      host: 'payments-bound-rw.basalt.svc.cluster.local',
      port: '5432',
      database: 'orders',
      username: 'orders_app',
      sslmode: 'verify-full',
      sslrootcert: 'ca.crt',
      'ca.crt': expect.stringContaining('BEGIN CERTIFICATE'),
    });
    const [pod] = (await objectsOf(cluster)).podObjects;
    /**
     * Logs in as the binding says, at the Pod the Service selects (on its
     * own port: the Service's 5432 maps to it by name).
     */
    const connectAs = async (password: string) => {
      const db = new Client({
        host: pod.status!.podIP,
        port: enginePortOf(pod),
        user: 'orders_app',
        password,
        database: 'orders',
      });
      await db.connect();
      await db.end();
    };
    await connectAs(before.entries.password);

    await client.rotatePassword(ref('bound'), 'orders_app');
    const after = await eventually(async () => {
      const now = await binding();
      return now.entries.password !== before.entries.password ? now : undefined;
    });
    await connectAs(after.entries.password);
    await expect(connectAs(before.entries.password)).rejects.toThrow(
      /password authentication failed/,
    );

    // An account that leaves the manifest takes its binding with it.
    await client.applyCluster(
      postgresManifest('bound', { databases: ['orders'], accounts: [] }),
    );
    await eventually(async () =>
      (await objectsOf(cluster)).secrets.includes(name) ? undefined : true,
    );

    await client.deleteCluster(ref('bound'));
    await eventually(async () =>
      (await objectsOf(cluster)).secrets.length === 0 ? true : undefined,
    );
  });

  it('re-adopts everything after a backend restart, without duplicates', async () => {
    const client = kube.client();
    await client.applyCluster(postgresManifest('adopted', { replicas: 2 }));
    const cluster = await untilReady(client, ref('adopted'), 2);
    const before = await objectsOf(cluster);
    const uids = (pods: V1Pod[]) => pods.map(pod => pod.metadata!.uid).sort();

    await kube.restartBackend();

    const after = await untilReady(kube.client(), ref('adopted'), 2);
    const objects = await objectsOf(after);
    expect(uids(objects.podObjects)).toEqual(uids(before.podObjects));
    expect(objects.claims).toEqual(before.claims);
    expect(objects.volumes).toEqual(before.volumes);
  });

  it("shows Kubernetes' warnings about an instance's Pod in the cluster's events", async () => {
    const client = kube.client();
    await client.applyCluster(postgresManifest('alerts'));
    const cluster = await untilReady(client, ref('alerts'), 1);
    const [pod] = await podsOf(kube.admin(), cluster);
    /** A warning Event about the Pod, as kubelet records one. */
    const warn = (name: string, reason: string, message: string) =>
      core.createNamespacedEvent({
        namespace: NAMESPACE,
        body: {
          metadata: { name },
          involvedObject: {
            kind: 'Pod',
            namespace: NAMESPACE,
            name: pod.metadata!.name,
            uid: pod.metadata!.uid,
          },
          type: 'Warning',
          reason,
          message,
          count: 1,
          source: { component: 'kubelet', host: pod.spec!.nodeName },
          firstTimestamp: new Date(),
          lastTimestamp: new Date(),
        },
      });
    // Only this test's warnings: the real kubelet records its own (a
    // readiness probe failing while the engine waits to start).
    const warnings = async () =>
      (await client.listClusterEvents(ref('alerts'))).filter(
        event =>
          ['Unhealthy', 'FailedMount'].includes(event.reason) &&
          event.message.endsWith('(test)'),
      );

    await warn('alerts-probe', 'Unhealthy', 'Readiness probe failed (test)');
    await eventually(
      async () => ((await warnings()).length ? true : undefined),
      {
        what: 'the Unhealthy warning in the events',
      },
    );
    expect(await warnings()).toMatchObject([
      {
        type: 'Warning',
        reason: 'Unhealthy',
        message: 'alerts-0: Readiness probe failed (test)',
      },
    ]);

    // Kubernetes counts a repeat in the same Event: not shown again within
    // minutes. The watch delivers in order, so once the next warning is
    // shown, the repeat has been seen.
    const probe = await core.readNamespacedEvent({
      namespace: NAMESPACE,
      name: 'alerts-probe',
    });
    await core.replaceNamespacedEvent({
      namespace: NAMESPACE,
      name: 'alerts-probe',
      body: { ...probe, count: 2, lastTimestamp: new Date() },
    });
    await warn(
      'alerts-mount',
      'FailedMount',
      'MountVolume.SetUp failed (test)',
    );
    await eventually(
      async () =>
        (await warnings()).some(event => event.reason === 'FailedMount') ||
        undefined,
      { what: 'the FailedMount warning in the events' },
    );
    expect((await warnings()).map(event => event.message)).toEqual([
      'alerts-0: MountVolume.SetUp failed (test)',
      'alerts-0: Readiness probe failed (test)',
    ]);
    await client.deleteCluster(ref('alerts'));
  });

  it('places instances on a Node that joins after the backend started', async () => {
    const client = kube.client();
    await client.applyCluster(postgresManifest('spread', { replicas: 3 }));
    await untilReady(client, ref('spread'), 3);

    // One instance per node: a fourth needs the new Node's pool.
    const joined = await kube.kube().addNode();
    await client.applyCluster(postgresManifest('spread', { replicas: 4 }));
    const cluster = await untilReady(client, ref('spread'), 4);
    expect(cluster.status!.instances.map(i => i.node).sort()).toEqual(
      kube.kube().nodeNames().sort(),
    );
    expect((await client.listPools()).map(pool => pool.node)).toContain(joined);
    await client.deleteCluster(ref('spread'));
  });

  it('runs with the least privileges of the RBAC manifests, not as an administrator', async () => {
    const backendApi = kube.backendKubeConfig().makeApiClient(CoreV1Api);
    // What the runtime uses works (every test above ran with this token)...
    await expect(
      backendApi.listNamespacedPod({ namespace: NAMESPACE }),
    ).resolves.toBeDefined();
    // ...and nothing more: other namespaces' Secrets, and writing Nodes.
    await expect(
      backendApi.listNamespacedSecret({ namespace: 'kube-system' }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      backendApi.deleteNode({ name: kube.kube().nodeNames()[0] }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      backendApi.createNamespace({ body: { metadata: { name: 'x' } } }),
    ).rejects.toMatchObject({ code: 403 });
  });
});
