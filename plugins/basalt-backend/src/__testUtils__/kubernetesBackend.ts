import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  V1Pod,
} from '@kubernetes/client-node';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { ClusterCredentials } from '@basalt/plugin-basalt-node';
import { Client } from 'pg';
import { parseAllDocuments } from 'yaml';
import { basaltPlugin } from '../plugin';
import { basaltModuleEnginePostgresql } from '../engines/postgresql';
import { basaltModuleEngineRedis } from '../engines/redis';
import { clientOf } from './testBackend';
import {
  KubeDataPlane,
  startKubeDataPlane,
} from '../runtime/kubernetes/__testUtils__/dataPlane/KubeDataPlane';
import { eventually } from '../testUtils/eventually';
import { ENGINE_CONTAINER } from '../runtime/kubernetes/manifests/pod';
import { LABELS, ObjectNames } from '../runtime/kubernetes/names';
import { PodAccess } from '../runtime/kubernetes/PodAddresses';
import { credentialsIn } from '../runtime/kubernetes/manifests/cluster';

/** The repository's RBAC and namespace manifests for the runtime. */
const DEPLOY_DIR = resolve(__dirname, '../../../../deploy/kubernetes');

/** Applies every object of a YAML file, as `kubectl create -f` would. */
async function applyManifests(kubeConfig: KubeConfig, file: string) {
  const api = KubernetesObjectApi.makeApiClient(kubeConfig);
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const document of documents) {
    const object = document.toJS() as KubernetesObject | null;
    if (object) await api.create(object);
  }
}

/** Basalt's namespaces and RBAC on a real data plane: see {@link startDataPlane}. */
export interface DataPlane {
  /** The administrator's client configuration. */
  admin(): KubeConfig;
  /** The client configuration of Basalt's ServiceAccount (RBAC-limited). */
  backendKubeConfig(): KubeConfig;
  /** The nodes, their kubelets and the images they run. */
  kube: KubeDataPlane;
  stop(): Promise<void>;
}

/**
 * A real data plane (see {@link startKubeDataPlane}) with `nodes` nodes and
 * the repository's namespaces and RBAC applied.
 */
export async function startDataPlane(nodes: number): Promise<DataPlane> {
  const kube = await startKubeDataPlane({ nodes });
  try {
    const { apiServer } = kube;
    const admin = apiServer.kubeConfig();
    await applyManifests(admin, join(DEPLOY_DIR, 'namespaces.yaml'));
    await applyManifests(admin, join(DEPLOY_DIR, 'rbac.yaml'));
    // Pods are admitted once the controller-manager made the namespace's
    // `default` ServiceAccount.
    const core = admin.makeApiClient(CoreV1Api);
    for (const namespace of ['basalt', 'basalt-system']) {
      await eventually(
        () =>
          core
            .readNamespacedServiceAccount({ namespace, name: 'default' })
            .then(
              () => true,
              () => undefined,
            ),
        { what: `the default ServiceAccount of ${namespace}` },
      );
    }
    const token = await apiServer.serviceAccountToken(
      'basalt-system',
      'basalt',
    );
    return {
      admin: () => apiServer.kubeConfig(),
      backendKubeConfig: () => apiServer.kubeConfig(token),
      kube,
      stop: () => kube.stop(),
    };
  } catch (error) {
    await kube.stop();
    throw error;
  }
}

/**
 * `basalt.runtimes.kubernetes` for a backend on a test data plane whose
 * kubeconfig (its ServiceAccount's) is in `kubeconfig`: engines on the
 * nodes' network (there is no Pod network here), the images built from
 * Debian's packages.
 */
export function kubernetesRuntimeConfig(
  plane: DataPlane,
  kubeconfig: string,
  access: PodAccess,
) {
  return {
    kubeconfig,
    namespace: 'basalt',
    access,
    network: 'host',
    // On every node already: nothing may be pulled from outside the
    // machine.
    imagePullPolicy: 'Never',
    images: {
      postgresql: plane.kube.images.postgresql.ref,
      redis: plane.kube.images.redis.ref,
    },
    podStartTimeout: '60s',
  };
}

/**
 * A Basalt backend on the kubernetes runtime for one test file: a real data
 * plane of `nodes` nodes (kubelets, containerd, the images built from
 * Debian packages), the repository's RBAC manifests applied, the backend
 * authenticated as their ServiceAccount (never as an administrator), its
 * engines on the nodes' network (`host` mode: nodes are loopback
 * addresses here). Everything stops in `afterAll`, even after a failure;
 * `restartBackend` replaces the backend to test re-adoption.
 */
export function useKubernetesBackend(options: {
  nodes: number;
  /** How the backend reaches engines: straight at the nodes' addresses, or port-forward. */
  access?: PodAccess;
}) {
  let plane: DataPlane | undefined;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  let dir = '';

  const startBackend = async () => {
    backend = await startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        basaltModuleEngineRedis,
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            // A file database, so a restarted backend finds what was stored.
            backend: {
              database: {
                client: 'better-sqlite3',
                connection: { directory: join(dir, 'sqlite') },
              },
            },
            basalt: {
              controller: {
                resyncInterval: '1s',
                // Probes go through the API server and the kubelet: on a
                // loaded test machine a slow one must not look lost.
                ha: { probeTimeout: '2s', failureThreshold: 5 },
              },
              // The nodes are one machine's: classes a fraction of its cores
              // leave room for every test's instances on each node.
              resourceClasses: {
                s: { cpu: '250m', memory: '512Mi' },
                m: { cpu: '500m', memory: '1Gi' },
                l: { cpu: '1', memory: '2Gi' },
              },
              profiles: {
                kubernetes: {
                  runtime: 'kubernetes',
                  engines: { postgresql: ['15'], redis: ['7.0'] },
                },
              },
              runtimes: {
                kubernetes: kubernetesRuntimeConfig(
                  plane!,
                  join(dir, 'kubeconfig'),
                  options.access ?? 'podNetwork',
                ),
              },
              volumePools: {
                default: { path: join(dir, 'pools', 'default') },
              },
              backups: {
                repositories: {
                  default: { type: 'filesystem', path: join(dir, 'backups') },
                },
              },
            },
          },
        }),
      ],
    });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'basalt-k8s-'));
    plane = await startDataPlane(options.nodes);
    writeFileSync(
      join(dir, 'kubeconfig'),
      plane.backendKubeConfig().exportConfig(),
      { mode: 0o600 },
    );
    await startBackend();
  }, 300_000);

  afterAll(async () => {
    await backend?.stop();
    await plane?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  const client = () => clientOf(backend!.server);

  return {
    client,
    /** The administrator's client configuration, to inspect and break things. */
    admin: () => plane!.admin(),
    /** The backend's own client configuration (its ServiceAccount token). */
    backendKubeConfig: () => plane!.backendKubeConfig(),
    /** The data plane's nodes, to add, lose and restore them. */
    kube: () => plane!.kube,
    /** Stops the backend and starts a new one over the same API server. */
    restartBackend: async () => {
      await backend?.stop();
      backend = undefined;
      await startBackend();
    },
  };
}

/** The Pods of a cluster (found by its uid label) in namespace `basalt`. */
export async function podsOf(
  kubeConfig: KubeConfig,
  cluster: ClusterResource,
): Promise<V1Pod[]> {
  const { items } = await kubeConfig
    .makeApiClient(CoreV1Api)
    .listNamespacedPod({
      namespace: 'basalt',
      labelSelector: `${LABELS.clusterUid}=${cluster.metadata.uid}`,
    });
  return items;
}

/** The port a Pod's engine listens on (its own in `host` network mode). */
export function enginePortOf(pod: V1Pod): number {
  return pod.spec!.containers.find(c => c.name === ENGINE_CONTAINER)!.ports![0]
    .containerPort;
}

/** The Pods among `pods` whose role label is `role`. */
export function withRole(pods: V1Pod[], role: 'primary' | 'replica'): V1Pod[] {
  return pods.filter(pod => pod.metadata?.labels?.[LABELS.role] === role);
}

/** The cluster's credentials, from its Secret in namespace `basalt`. */
export async function credentialsOf(
  kubeConfig: KubeConfig,
  cluster: ClusterResource,
): Promise<ClusterCredentials> {
  const secret = await kubeConfig
    .makeApiClient(CoreV1Api)
    .readNamespacedSecret({
      namespace: 'basalt',
      name: new ObjectNames(cluster.metadata).credentialsSecret,
    });
  return credentialsIn(secret)!;
}

/**
 * Runs SQL as the cluster's superuser straight at a Pod's address (its
 * node's, a loopback address here, and its own port), with the credentials
 * read from the cluster's Secret in namespace `basalt`; returns the rows.
 */
export async function queryPod(
  kubeConfig: KubeConfig,
  cluster: ClusterResource,
  pod: V1Pod,
  sql: string,
  database = 'postgres',
) {
  const credentials = await credentialsOf(kubeConfig, cluster);
  const client = new Client({
    host: pod.status!.podIP,
    port: enginePortOf(pod),
    user: credentials.superuser.username,
    password: credentials.superuser.password,
    database,
  });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
