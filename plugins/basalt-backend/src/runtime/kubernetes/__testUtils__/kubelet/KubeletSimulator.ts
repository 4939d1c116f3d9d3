import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CoreV1Api,
  Informer,
  KubeConfig,
  makeInformer,
  ObjectCache,
  V1Pod,
} from '@kubernetes/client-node';
import { freePort } from '../../../../__testUtils__/processes';
import { KubeletServer } from './KubeletServer';
import { heartbeat, markNodeUnknown, registerNode } from './nodeRegistration';
import { confirmDeletion, PodWorker } from './PodWorker';
import { makeSelfSignedCert, TlsIdentity } from './selfSignedCert';

/** How a {@link KubeletSimulator} is set up. */
export interface KubeletSimulatorOptions {
  /** Credentials with the rights of a kubelet (admin is fine in tests). */
  kubeConfig: KubeConfig;
  /** The Nodes it registers and runs Pods for. */
  nodes: string[];
}

/** How often a kubelet posts node status. */
const HEARTBEAT_MS = 10_000;

/** The worker of a Pod running on a node, by `namespace/name` key. */
interface WorkerEntry {
  worker: PodWorker;
  node: string;
  key: string;
}

interface SimulatedNode {
  server: KubeletServer;
  port: number;
  heartbeat?: NodeJS.Timeout;
  lost: boolean;
}

/**
 * Plays kubelet for a set of Nodes on this host, for real: registers them,
 * runs the containers of Pods bound to them as local processes (each in a
 * private mount namespace, as user nobody) and serves the kubelet API the
 * API server proxies logs, exec and port-forward to. Stopping it kills
 * every process it started but deletes nothing in the API.
 */
export class KubeletSimulator {
  private readonly core: CoreV1Api;
  private readonly nodes = new Map<string, SimulatedNode>();
  /** By Pod uid, in the order the workers were started. */
  private readonly workers = new Map<string, WorkerEntry>();
  private readonly disposing = new Set<Promise<void>>();
  private informer: (Informer<V1Pod> & ObjectCache<V1Pod>) | undefined;
  private baseDir: string | undefined;
  private tls: TlsIdentity | undefined;
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: KubeletSimulatorOptions) {
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
  }

  /** Registers the Nodes, starts their kubelet APIs and watches Pods. */
  async start(): Promise<void> {
    try {
      this.baseDir = await fs.mkdtemp(
        path.join(os.tmpdir(), 'basalt-kubelet-'),
      );
      this.tls = await makeSelfSignedCert(this.baseDir);
      for (const name of this.options.nodes) {
        await this.startNode(name);
      }
      const informer = makeInformer<V1Pod>(
        this.options.kubeConfig,
        '/api/v1/pods',
        () => this.core.listPodForAllNamespaces(),
      );
      informer.on('add', pod => this.onPod(pod));
      informer.on('update', pod => this.onPod(pod));
      informer.on('delete', pod => this.onPodGone(pod));
      informer.on('error', () => {
        // A dropped watch: list and watch again, as client-go's reflector does.
        setTimeout(() => {
          if (!this.stopped) {
            informer.start().catch(() => {});
          }
        }, 1000);
      });
      this.informer = informer;
      await informer.start();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /**
   * The directory of the simulator's files (Pods' hosts files, volumes,
   * logs), once started. Every container process has its Pod's hosts file
   * mounted from here, so this also tells its processes from others.
   */
  get directory(): string | undefined {
    return this.baseDir;
  }

  /** The port of a Node's kubelet API (as registered in its status). */
  kubeletPort(node: string): number {
    const simulated = this.nodes.get(node);
    if (!simulated) {
      throw new Error(`${node} is not a simulated node`);
    }
    return simulated.port;
  }

  private async startNode(name: string, port = 0): Promise<void> {
    const server = new KubeletServer(this.tls!, (namespace, pod) =>
      this.findWorker(name, namespace, pod),
    );
    const node: SimulatedNode = { server, port: 0, lost: false };
    this.nodes.set(name, node);
    // A port of its own rather than the kernel's pick, which could be one
    // a parallel test file reserved.
    node.port = await server.listen(port || (await freePort()));
    await registerNode(this.core, name, node.port);
    node.heartbeat = setInterval(() => {
      heartbeat(this.core, name, node.port).catch(() => {});
    }, HEARTBEAT_MS);
  }

  private findWorker(
    node: string,
    namespace: string,
    name: string,
  ): PodWorker | undefined {
    // The newest worker of that name: a re-created Pod's, not its predecessor's.
    const key = `${namespace}/${name}`;
    const entry = [...this.workers.values()].reverse().find(e => e.key === key);
    return entry?.node === node ? entry.worker : undefined;
  }

  private onPod(pod: V1Pod): void {
    const nodeName = pod.spec?.nodeName;
    const node = nodeName ? this.nodes.get(nodeName) : undefined;
    const uid = pod.metadata?.uid;
    if (!node || !uid || this.stopped) {
      return;
    }
    const existing = this.workers.get(uid);
    if (existing) {
      existing.worker.update(pod);
      return;
    }
    const phase = pod.status?.phase;
    if (node.lost || phase === 'Succeeded' || phase === 'Failed') {
      return; // a dead kubelet starts nothing; finished Pods stay finished
    }
    if (pod.metadata?.deletionTimestamp) {
      // Never started here: nothing to stop, confirm the deletion at once.
      void confirmDeletion(this.core, pod);
      return;
    }
    const worker = new PodWorker(
      { core: this.core, dir: path.join(this.baseDir!, 'pods', uid) },
      pod,
    );
    const key = `${pod.metadata!.namespace}/${pod.metadata!.name}`;
    this.workers.set(uid, { worker, node: nodeName!, key });
    worker.start();
  }

  private onPodGone(pod: V1Pod): void {
    const uid = pod.metadata?.uid;
    if (uid) {
      this.disposeWorker(uid);
    }
  }

  private disposeWorker(uid: string): Promise<void> {
    const entry = this.workers.get(uid);
    if (!entry) {
      return Promise.resolve();
    }
    this.workers.delete(uid);
    const disposed = entry.worker
      .dispose()
      .finally(() => this.disposing.delete(disposed));
    this.disposing.add(disposed);
    return disposed;
  }

  private workersOn(node: string): PodWorker[] {
    return [...this.workers.values()]
      .filter(entry => entry.node === node)
      .map(entry => entry.worker);
  }

  /**
   * Joins a new Node to the cluster, as a machine added by hand or by an
   * autoscaler: its kubelet registers it Ready and runs the Pods bound to it.
   */
  async addNode(name: string): Promise<void> {
    if (this.nodes.has(name)) {
      throw new Error(`${name} is a simulated node already`);
    }
    await this.startNode(name);
  }

  /**
   * Simulates losing a Node (power cut, network partition): every process
   * of its Pods is SIGKILLed at once, its kubelet API stops answering and
   * stops heartbeating, the Node's conditions turn Unknown and its Pods'
   * Ready conditions False, as the node lifecycle controller would set them.
   * The Pods stay in the API; a graceful delete of one then never completes
   * (nothing confirms it) unless it is deleted with grace period 0.
   */
  async loseNode(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) {
      throw new Error(`${name} is not a simulated node`);
    }
    node.lost = true;
    clearInterval(node.heartbeat);
    await node.server.close();
    await Promise.all(this.workersOn(name).map(worker => worker.lose()));
    await markNodeUnknown(this.core, name, node.port);
  }

  /**
   * Brings a lost Node back, as a rebooted machine's kubelet: it registers
   * Ready again on the same port and starts the Pods still bound to it
   * afresh (restart counts start over); Pods deleted meanwhile are confirmed.
   */
  async restoreNode(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node?.lost) {
      return;
    }
    await Promise.all(
      this.workersOn(name).map(worker => this.disposeWorker(worker.uid)),
    );
    await this.startNode(name, node.port);
    for (const pod of this.informer?.list() ?? []) {
      if (pod.spec?.nodeName === name) {
        this.onPod(pod);
      }
    }
  }

  /**
   * Kills every process started for any Pod (waiting until they exited),
   * stops the kubelet APIs and heartbeats and removes the simulator's
   * files. Pods and Nodes stay in the API. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.informer?.stop();
      for (const node of this.nodes.values()) {
        clearInterval(node.heartbeat);
      }
      await Promise.all(
        [...this.workers.keys()].map(uid => this.disposeWorker(uid)),
      );
      await Promise.all(this.disposing);
      await Promise.all(
        [...this.nodes.values()].map(node => node.server.close()),
      );
      if (this.baseDir) {
        await fs.rm(this.baseDir, { recursive: true, force: true });
      }
    })();
    return this.stopped;
  }
}
