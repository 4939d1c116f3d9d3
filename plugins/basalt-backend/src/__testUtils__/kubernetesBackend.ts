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
import { Client } from 'pg';
import { parseAllDocuments } from 'yaml';
import { basaltPlugin } from '../plugin';
import { basaltModuleEnginePostgresql } from '../engines/postgresql';
import { clientOf } from './testBackend';
import { startTestApiServer } from '../runtime/kubernetes/__testUtils__/apiServer';
import { KubeletSimulator } from '../runtime/kubernetes/__testUtils__/kubelet';
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

/** A Kubernetes data plane for tests: see {@link startDataPlane}. */
export interface DataPlane {
  /** The administrator's client configuration. */
  admin(): KubeConfig;
  /** The client configuration of Basalt's ServiceAccount (RBAC-limited). */
  backendKubeConfig(): KubeConfig;
  simulator: KubeletSimulator;
  stop(): Promise<void>;
}

/**
 * A real kube-apiserver and etcd with the repository's namespaces and RBAC
 * applied, and a kubelet simulator running Pods as real processes on
 * `nodes`.
 */
export async function startDataPlane(nodes: string[]): Promise<DataPlane> {
  const apiServer = await startTestApiServer();
  let simulator: KubeletSimulator | undefined;
  try {
    const admin = apiServer.kubeConfig();
    await applyManifests(admin, join(DEPLOY_DIR, 'namespaces.yaml'));
    await applyManifests(admin, join(DEPLOY_DIR, 'rbac.yaml'));
    const token = await apiServer.serviceAccountToken(
      'basalt-system',
      'basalt',
    );
    simulator = new KubeletSimulator({ kubeConfig: admin, nodes });
    await simulator.start();
    return {
      admin: () => apiServer.kubeConfig(),
      backendKubeConfig: () => apiServer.kubeConfig(token),
      simulator,
      stop: async () => {
        await simulator!.stop();
        await apiServer.stop();
      },
    };
  } catch (error) {
    await simulator?.stop();
    await apiServer.stop();
    throw error;
  }
}

/**
 * A Basalt backend on the kubernetes runtime for one test file: a real
 * kube-apiserver and etcd, the repository's RBAC manifests applied, the
 * backend authenticated as their ServiceAccount (never as an
 * administrator), and a kubelet simulator running the Pods as real
 * processes on `nodes`. Everything stops in `afterAll`, even after a
 * failure; `restartBackend` replaces the backend to test re-adoption.
 */
export function useKubernetesBackend(options: {
  nodes: string[];
  /** How the backend reaches engines; the simulated Pod IPs are on loopback. */
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
              profiles: {
                kubernetes: {
                  runtime: 'kubernetes',
                  engines: { postgresql: ['15'] },
                },
              },
              runtimes: {
                kubernetes: {
                  kubeconfig: join(dir, 'kubeconfig'),
                  namespace: 'basalt',
                  access: options.access ?? 'podNetwork',
                  podStartTimeout: '60s',
                },
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
  }, 120_000);

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
    simulator: () => plane!.simulator,
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

/** The Pods among `pods` whose role label is `role`. */
export function withRole(pods: V1Pod[], role: 'primary' | 'replica'): V1Pod[] {
  return pods.filter(pod => pod.metadata?.labels?.[LABELS.role] === role);
}

/**
 * Runs SQL as the cluster's superuser straight at a Pod's IP (the
 * simulated Pod network is this host's loopback), with the credentials
 * read from the cluster's Secret in namespace `basalt`; returns the rows.
 */
export async function queryPod(
  kubeConfig: KubeConfig,
  cluster: ClusterResource,
  pod: V1Pod,
  sql: string,
  database = 'postgres',
) {
  const secret = await kubeConfig
    .makeApiClient(CoreV1Api)
    .readNamespacedSecret({
      namespace: 'basalt',
      name: new ObjectNames(cluster.metadata).credentialsSecret,
    });
  const credentials = credentialsIn(secret)!;
  const client = new Client({
    host: pod.status!.podIP,
    port: 5432,
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
