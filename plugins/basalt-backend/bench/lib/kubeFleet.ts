import { randomBytes, randomUUID } from 'node:crypto';
import {
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1Pod,
  V1PodStatus,
} from '@kubernetes/client-node';
import { testManifest } from '../../src/__testUtils__/manifests';
import { ClusterKey } from '@basalt/plugin-basalt-node';
import {
  renderPgHba,
  renderPostgresqlConf,
} from '../../src/engines/postgresql/configuration';
import {
  generateCredentials,
  REPLICATION_USER_NAME,
} from '../../src/runtime/credentials';
import { POSTGRESQL_IMAGE } from '../../src/runtime/kubernetes/__testUtils__/postgresImage';
import {
  clusterConfigMap,
  credentialsSecret,
  endpointService,
  READ_ONLY_LABEL,
} from '../../src/runtime/kubernetes/manifests/cluster';
import {
  DATA_DIR,
  ENGINE_CONTAINER,
  instancePod,
  STARTED_ANNOTATION,
} from '../../src/runtime/kubernetes/manifests/pod';
import {
  INITIALIZED_ANNOTATION,
  instanceClaim,
  instanceVolume,
} from '../../src/runtime/kubernetes/manifests/volume';
import { ObjectNames } from '../../src/runtime/kubernetes/names';

const POOL_PATH = '/var/lib/basalt/pools/default';
const Gi = 2 ** 30;

/** One seeded cluster: a single instance, its primary. */
export interface SeededCluster {
  key: ClusterKey;
  pod: string;
}

/** Runs `fn` over `items` with at most `limit` at a time, in order. */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** What the kubelet reports for a Pod whose engine runs and answers. */
function runningStatus(
  pod: V1Pod,
  podIP: string,
  startedAt: Date,
): V1PodStatus {
  const condition = (type: string) => ({
    type,
    status: 'True',
    lastTransitionTime: startedAt,
  });
  return {
    phase: 'Running',
    hostIP: '10.0.0.1',
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: startedAt,
    qosClass: 'BestEffort',
    conditions: [
      condition('Initialized'),
      condition('Ready'),
      condition('ContainersReady'),
      condition('PodScheduled'),
    ],
    initContainerStatuses: pod.spec!.initContainers!.map(container => ({
      name: container.name,
      image: container.image!,
      imageID: `${container.image}@sha256:${'0'.repeat(64)}`,
      containerID: `containerd://${randomBytes(32).toString('hex')}`,
      ready: true,
      restartCount: 0,
      state: {
        terminated: {
          exitCode: 0,
          reason: 'Completed',
          startedAt,
          finishedAt: startedAt,
        },
      },
    })),
    containerStatuses: pod.spec!.containers.map(container => ({
      name: container.name,
      image: container.image!,
      imageID: `${container.image}@sha256:${'0'.repeat(64)}`,
      containerID: `containerd://${randomBytes(32).toString('hex')}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt } },
    })),
  };
}

/**
 * What the kubelet reports for the Pod once its engine container changed
 * at `at`: with `running` false, the engine exited and is waiting to be
 * restarted (not ready, the engine container waiting in back-off, its last
 * run terminated, one restart more); with `running` true, it was restarted
 * (running and ready again, its restart count and last termination kept).
 */
export function engineStatusAt(
  pod: V1Pod,
  at: Date,
  running: boolean,
): V1PodStatus {
  const status = pod.status!;
  return {
    ...status,
    conditions: status.conditions!.map(condition =>
      condition.type === 'Ready' || condition.type === 'ContainersReady'
        ? {
            ...condition,
            status: running ? 'True' : 'False',
            reason: running ? undefined : 'ContainersNotReady',
            lastTransitionTime: at,
          }
        : condition,
    ),
    containerStatuses: status.containerStatuses!.map(container =>
      container.name === ENGINE_CONTAINER
        ? {
            ...container,
            ready: running,
            started: running,
            ...(running
              ? { state: { running: { startedAt: at } } }
              : {
                  restartCount: container.restartCount + 1,
                  state: {
                    waiting: {
                      reason: 'CrashLoopBackOff',
                      message: `back-off 10s restarting failed container=${ENGINE_CONTAINER}`,
                    },
                  },
                  lastState: {
                    terminated: {
                      exitCode: 1,
                      reason: 'Error',
                      startedAt: container.state?.running?.startedAt,
                      finishedAt: at,
                    },
                  },
                }),
          }
        : container,
    ),
  };
}

/** The spec every seeded cluster has (parsed once). */
const BENCH_SPEC = testManifest({
  apiVersion: 'basalt.dev/v1alpha1',
  kind: 'EngineCluster',
  metadata: { name: 'bench' },
  spec: { engine: 'postgresql', storage: { size: '10Gi' } },
}).spec;

/** The engine configuration the driver records in the cluster's ConfigMap. */
function configuration(host: string): Record<string, string> {
  const input = {
    dataDir: DATA_DIR,
    address: { host, port: POSTGRESQL_IMAGE.port },
    spec: BENCH_SPEC,
    replicationUser: REPLICATION_USER_NAME,
  };
  return {
    'postgresql.conf': renderPostgresqlConf(input),
    'pg_hba.conf': renderPgHba(input),
  };
}

/**
 * Creates the Nodes instances run on, each reporting Ready as its kubelet
 * would: `bench-node-00` …
 */
export async function seedNodes(
  admin: KubeConfig,
  count: number,
): Promise<string[]> {
  const core = admin.makeApiClient(CoreV1Api);
  const names = Array.from(
    { length: count },
    (_, i) => `bench-node-${String(i).padStart(2, '0')}`,
  );
  await mapLimited(names, 10, async name => {
    const node = await core.createNode({
      body: {
        metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      },
    });
    const now = new Date();
    node.status = {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
      addresses: [
        { type: 'InternalIP', address: '10.0.0.1' },
        { type: 'Hostname', address: name },
      ],
    };
    await core.replaceNodeStatus({ name, body: node });
  });
  return names;
}

/**
 * Creates one cluster's objects exactly as the runtime leaves them once its
 * single instance runs: the ConfigMap (the owner), the credentials Secret,
 * the volume and its claim (marked initialized), the Pod (labelled primary
 * and read endpoint, marked started for its uid, and running and ready as
 * a kubelet reports it) and both Services. Sequential: 9 requests.
 */
export async function seedCluster(
  core: CoreV1Api,
  options: {
    index: number;
    kubeNamespace: string;
    node: string;
    /**
     * The test API server's Service range is a /24: once it is full, the
     * remaining Services are made headless (`clusterIP: None`), which
     * the runtime neither reads nor compares, and counted here.
     */
    serviceIPs: { exhausted: boolean; headless: number };
  },
): Promise<SeededCluster> {
  const { kubeNamespace, node, index } = options;
  const key: ClusterKey = {
    namespace: 'bench',
    name: `db-${String(index).padStart(5, '0')}`,
    uid: randomUUID(),
  };
  const names = new ObjectNames(key);
  const instance = `${key.name}-0`;
  const podName = names.pod(instance);
  const configMap = await core.createNamespacedConfigMap({
    namespace: kubeNamespace,
    body: clusterConfigMap({
      cluster: key,
      kubeNamespace,
      configuration: configuration(podName),
    }),
  });
  const owner = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: configMap.metadata!.name!,
    uid: configMap.metadata!.uid!,
  };
  await core.createNamespacedSecret({
    namespace: kubeNamespace,
    body: credentialsSecret({
      cluster: key,
      kubeNamespace,
      credentials: generateCredentials(),
      owner,
    }),
  });
  const volumeInput = {
    cluster: key,
    kubeNamespace,
    instance,
    node,
    volume: {
      pool: 'default',
      poolPath: POOL_PATH,
      sizeBytes: 10 * Gi,
      throughputBytesPerSec: 0,
    },
    owner,
  };
  await core.createPersistentVolume({ body: instanceVolume(volumeInput) });
  const claim = instanceClaim(volumeInput);
  claim.metadata!.annotations = {
    ...claim.metadata!.annotations,
    [INITIALIZED_ANNOTATION]: 'true',
  };
  await core.createNamespacedPersistentVolumeClaim({
    namespace: kubeNamespace,
    body: claim,
  });
  const template = instancePod({
    cluster: key,
    kubeNamespace,
    instance,
    node,
    image: POSTGRESQL_IMAGE,
    network: {
      hostNetwork: false,
      listen: { host: instance, port: POSTGRESQL_IMAGE.port },
    },
    server: { program: 'postgres', args: ['-D', DATA_DIR] },
    owner,
    role: 'primary',
  });
  template.metadata!.labels![READ_ONLY_LABEL] = 'true';
  const created = await core.createNamespacedPod({
    namespace: kubeNamespace,
    body: template,
  });
  const started = await core.patchNamespacedPod(
    {
      namespace: kubeNamespace,
      name: podName,
      body: {
        metadata: {
          annotations: { [STARTED_ANNOTATION]: created.metadata!.uid! },
        },
      },
    },
    MERGE_PATCH,
  );
  const podIP = `10.244.${Math.floor(index / 250)}.${(index % 250) + 2}`;
  await core.replaceNamespacedPodStatus({
    namespace: kubeNamespace,
    name: podName,
    body: { ...started, status: runningStatus(started, podIP, new Date()) },
  });
  for (const kind of ['rw', 'ro'] as const) {
    const service = endpointService({
      cluster: key,
      kubeNamespace,
      kind,
      port: POSTGRESQL_IMAGE.port,
      owner,
    });
    if (!options.serviceIPs.exhausted) {
      try {
        await core.createNamespacedService({
          namespace: kubeNamespace,
          body: service,
        });
        continue;
      } catch (error) {
        if (!String((error as Error).message).includes('range is full')) {
          throw error;
        }
        options.serviceIPs.exhausted = true;
      }
    }
    service.spec!.clusterIP = 'None';
    await core.createNamespacedService({
      namespace: kubeNamespace,
      body: service,
    });
    options.serviceIPs.headless++;
  }
  return { key, pod: podName };
}

/** The requests {@link seedCluster} makes for one cluster. */
export const SEED_REQUESTS_PER_CLUSTER = 9;
