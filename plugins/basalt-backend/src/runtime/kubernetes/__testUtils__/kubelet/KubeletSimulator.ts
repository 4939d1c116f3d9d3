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
import { DEFAULT_EXEC_PROTOCOLS } from './execStream';
import { defaultImages, ImageTable } from './images';
import { freePort } from '../../../../__testUtils__/processes';
import { KubeletServer } from './KubeletServer';
import { heartbeat, markNodeUnknown, registerNode } from './nodeRegistration';
import { PodWorker } from './PodWorker';
import { makeSelfSignedCert, TlsIdentity } from './selfSignedCert';

/** How a {@link KubeletSimulator} is set up. */
export interface KubeletSimulatorOptions {
  /** Credentials with the rights of a kubelet (admin is fine in tests). */
  kubeConfig: KubeConfig;
  /** The Nodes it registers and runs Pods for. */
  nodes: string[];
  /** The known images; {@link defaultImages} unless given. */
  images?: ImageTable;
  /**
   * The exec WebSocket subprotocols accepted, most preferred first;
   * {@link DEFAULT_EXEC_PROTOCOLS} unless given. Leave out
   * `v5.channel.k8s.io` to behave like a kubelet older than 1.30.
   */
  execProtocols?: string[];
}

/** How often a kubelet posts node status. */
const HEARTBEAT_MS = 10_000;

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
  private readonly images: ImageTable;
  private readonly nodes = new Map<string, SimulatedNode>();
  private readonly workers = new Map<
    string,
    { worker: PodWorker; node: string; key: string }
  >();
  private readonly byName = new Map<string, PodWorker>();
  private readonly disposing = new Set<Promise<void>>();
  private informer: (Informer<V1Pod> & ObjectCache<V1Pod>) | undefined;
  private baseDir: string | undefined;
  private tls: TlsIdentity | undefined;
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: KubeletSimulatorOptions) {
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.images = options.images ?? defaultImages;
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
    const server = new KubeletServer(
      this.tls!,
      (namespace, pod) => this.findWorker(name, namespace, pod),
      this.options.execProtocols ?? DEFAULT_EXEC_PROTOCOLS,
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
    const worker = this.byName.get(`${namespace}/${name}`);
    return worker && this.workers.get(worker.uid)?.node === node
      ? worker
      : undefined;
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
      void this.core
        .deleteNamespacedPod({
          name: pod.metadata.name!,
          namespace: pod.metadata.namespace!,
          gracePeriodSeconds: 0,
          // With a body, a 1.20 API server ignores the query's grace period.
          body: { gracePeriodSeconds: 0, preconditions: { uid } },
        })
        .catch(() => {});
      return;
    }
    const worker = new PodWorker(
      {
        core: this.core,
        images: this.images,
        dir: path.join(this.baseDir!, 'pods', uid),
      },
      pod,
    );
    const key = `${pod.metadata!.namespace}/${pod.metadata!.name}`;
    this.workers.set(uid, { worker, node: nodeName!, key });
    this.byName.set(key, worker);
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
    if (this.byName.get(entry.key) === entry.worker) {
      this.byName.delete(entry.key);
    }
    const disposed = entry.worker
      .dispose()
      .finally(() => this.disposing.delete(disposed));
    this.disposing.add(disposed);
    return disposed;
  }

  private workersOn(node: string): string[] {
    return [...this.workers]
      .filter(([, entry]) => entry.node === node)
      .map(([uid]) => uid);
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
    await Promise.all(
      this.workersOn(name).map(uid => this.workers.get(uid)!.worker.lose()),
    );
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
    await Promise.all(this.workersOn(name).map(uid => this.disposeWorker(uid)));
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
