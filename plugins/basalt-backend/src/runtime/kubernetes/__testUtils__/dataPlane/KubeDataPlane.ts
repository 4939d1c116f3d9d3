import { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, V1Node } from '@kubernetes/client-node';
import { kubeAssetsDir, startTestApiServer, TestApiServer } from '../apiServer';
import { spawnGuarded, stopChild } from '../processes';
import { BuiltImage, builtImages } from './engineImageFiles';
import {
  cgroupsNamed,
  prepareHost,
  removeCgroup,
  restoreHost,
} from './hostState';
import { KubeNode, NODE_CGROUP_PREFIX } from './KubeNode';
import { lockMachine } from './machineLock';
import { issueClientCertificate, makeCertificateAuthority } from './pki';

/** The data plane's directory, in the system's temporary directory. */
const DIR_PREFIX = 'basalt-plane-';

/** Nodes get 127.0.200.1, .2, …: each its own loopback address. */
const NODE_ADDRESS_PREFIX = '127.0.200.';
/** Tokens are issued when the API server starts: this many nodes can join. */
const MAX_NODES = 8;
/** How long a node may take to register Ready (containerd, images, kubelet). */
const NODE_READY_TIMEOUT_MS = 120_000;

/**
 * A real Kubernetes data plane on this host: etcd, kube-apiserver and
 * kube-controller-manager, and per node a containerd with runc and a real
 * kubelet (see {@link KubeNode}), running the images built from Debian
 * packages. There is no scheduler: Basalt places its Pods itself. Only one
 * runs per machine at a time (kubelets share host paths and cgroups);
 * others wait for it.
 */
export interface KubeDataPlane {
  apiServer: TestApiServer;
  /** The images imported into every node, by name (`pause`, `postgresql`, …). */
  images: Record<string, BuiltImage>;
  /** The names of the nodes, in the order they joined. */
  nodeNames(): string[];
  /** Starts one more node and resolves with its name once it is Ready. */
  addNode(): Promise<string>;
  /**
   * Stops the node's kubelet, as a node lost to the cluster: resolves once
   * the controller-manager marks it NotReady. Its containers keep running
   * (a partitioned machine): fencing it is Basalt's job.
   */
  loseNode(name: string): Promise<void>;
  /** Starts a lost node's kubelet again; resolves once the node is Ready. */
  restoreNode(name: string): Promise<void>;
  /** Stops everything, leaves nothing behind and restores the host. */
  stop(): Promise<void>;
}

/** Starts a data plane with `nodes` Ready nodes. */
export async function startKubeDataPlane(options: {
  nodes: number;
}): Promise<KubeDataPlane> {
  const assets = await kubeAssetsDir([
    'kube-apiserver',
    'etcd',
    'kube-controller-manager',
    'kubelet',
  ]);
  const images = await builtImages();
  const release = await lockMachine('kube-data-plane');
  await removeLeftovers();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), DIR_PREFIX));
  const nodes: KubeNode[] = [];
  let apiServer: TestApiServer | undefined;
  let controllerManager: ChildProcess | undefined;
  let stopped: Promise<void> | undefined;

  const stop = () => {
    stopped ??= (async () => {
      try {
        for (const node of nodes) await node.stop();
        if (controllerManager) await stopChild(controllerManager);
        await apiServer?.stop();
        await restoreHost();
        await fs.rm(dir, { recursive: true, force: true });
      } finally {
        await release();
      }
    })();
    return stopped;
  };

  try {
    await prepareHost();
    const pki = path.join(dir, 'pki');
    await fs.mkdir(pki);
    const ca = await makeCertificateAuthority(pki);
    const clientCertificate = await issueClientCertificate(
      ca,
      pki,
      'apiserver-kubelet-client',
      {
        commonName: 'kube-apiserver-kubelet-client',
        organization: 'system:masters',
      },
    );
    const tokens = Array.from({ length: MAX_NODES }, (_, i) => ({
      node: `${NODE_ADDRESS_PREFIX}${i + 1}`,
      token: crypto.randomBytes(24).toString('hex'),
    }));
    apiServer = await startTestApiServer({
      kubelets: { clientCertificate, tokens },
      parentDir: dir,
    });
    controllerManager = await startControllerManager(assets, dir, apiServer);
    const core = apiServer.kubeConfig().makeApiClient(CoreV1Api);

    const addNode = async () => {
      const index = nodes.length;
      if (index >= MAX_NODES) {
        throw new Error(`At most ${MAX_NODES} nodes can join`);
      }
      const { node: address, token } = tokens[index];
      const node = new KubeNode({
        address,
        dir: path.join(dir, 'nodes', address),
        assets,
        server: apiServer!.url,
        token,
        clientCaFile: ca.certFile,
        images: {
          tarballs: Object.values(images).map(image => image.tarball),
          pause: images.pause.ref,
        },
      });
      nodes.push(node);
      await node.start();
      await waitForNode(core, node, ready => ready);
      return node.name;
    };
    const nodeNamed = (name: string) => {
      const node = nodes.find(candidate => candidate.name === name);
      if (!node) throw new Error(`${name} is not a node of this data plane`);
      return node;
    };

    await Promise.all(Array.from({ length: options.nodes }, addNode));
    return {
      apiServer,
      images,
      nodeNames: () => nodes.map(node => node.name),
      addNode,
      loseNode: async name => {
        const node = nodeNamed(name);
        await node.stopKubelet();
        await waitForNode(core, node, ready => !ready);
      },
      restoreNode: async name => {
        const node = nodeNamed(name);
        await node.startKubelet();
        await waitForNode(core, node, ready => ready);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * What a test run that died without stopping its data plane left: its
 * nodes' cgroups (with any process still in them) and its directory. Under
 * the machine lock, every such leftover is stale.
 */
async function removeLeftovers(): Promise<void> {
  for (const cgroup of await cgroupsNamed(NODE_CGROUP_PREFIX)) {
    await removeCgroup(cgroup, { kill: true });
  }
  for (const entry of await fs.readdir(os.tmpdir())) {
    if (entry.startsWith(DIR_PREFIX)) {
      await fs.rm(path.join(os.tmpdir(), entry), {
        recursive: true,
        force: true,
      });
    }
  }
}

/**
 * kube-controller-manager: the controllers a cluster relies on (garbage
 * collection by owner, endpoints of Services, ServiceAccounts and their
 * tokens, volume binding, node lifecycle), with a short node grace period
 * so a lost node shows within seconds.
 */
async function startControllerManager(
  assets: string,
  dir: string,
  apiServer: TestApiServer,
): Promise<ChildProcess> {
  const kubeconfig = path.join(dir, 'controller-manager.kubeconfig');
  await fs.writeFile(kubeconfig, apiServer.kubeConfig().exportConfig(), {
    mode: 0o600,
  });
  return spawnGuarded(
    path.join(assets, 'kube-controller-manager'),
    [
      `--kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      // No serving at all: nothing here scrapes or probes it.
      '--secure-port=0',
      '--port=0',
      '--leader-elect=false',
      `--service-account-private-key-file=${apiServer.files.serviceAccountKeyFile}`,
      `--root-ca-file=${apiServer.files.servingCertFile}`,
      '--use-service-account-credentials=false',
      '--allocate-node-cidrs=false',
      '--cloud-provider=',
      `--flex-volume-plugin-dir=${path.join(dir, 'flex-volumes')}`,
      '--node-monitor-period=1s',
      '--node-monitor-grace-period=10s',
      '--v=1',
    ],
    path.join(dir, 'kube-controller-manager.log'),
    { env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' } },
  );
}

function isReady(node: V1Node | undefined): boolean {
  return (
    node?.status?.conditions?.some(
      condition => condition.type === 'Ready' && condition.status === 'True',
    ) ?? false
  );
}

/**
 * Resolves once the Node's Ready condition satisfies `wanted`, failing
 * early when one of the node's processes exits.
 */
async function waitForNode(
  core: CoreV1Api,
  node: KubeNode,
  wanted: (ready: boolean) => boolean,
): Promise<void> {
  const deadline = Date.now() + NODE_READY_TIMEOUT_MS;
  for (;;) {
    const current = await core
      .readNode({ name: node.name })
      .catch(() => undefined);
    if (current && wanted(isReady(current))) return;
    const failure = node.failure();
    if (failure && wanted(true)) throw new Error(failure);
    if (Date.now() > deadline) {
      throw new Error(
        `Node ${node.name} did not become ${
          wanted(true) ? 'Ready' : 'NotReady'
        } within ${NODE_READY_TIMEOUT_MS / 1000} s`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}
