import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { KubeConfig, Log, V1Pod } from '@kubernetes/client-node';
import {
  ClusterEndpoints,
  CredentialsReference,
} from '@basalt/plugin-basalt-common';
import {
  AccountBinding,
  ClusterCredentials,
  ClusterKey,
  EndpointTargets,
  EngineAddress,
  EngineHost,
  EngineUnavailableError,
  InstanceRequest,
  LogReadOptions,
  Runtime,
  RuntimeEvent,
  RuntimeInstance,
  RuntimeNode,
  ResourceEnforcement,
  VolumeEnforcement,
  VolumeUsage,
} from '@basalt/plugin-basalt-node';
import { CertificatePolicy, ClusterCertificates } from '../certificates';
import { ClusterObjects } from './ClusterObjects';
import { EngineImage } from './engineImages';
import { InstanceObserver } from './InstanceObserver';
import { KubeCache } from './KubeCache';
import { KubeWriter } from './KubeWriter';
import { ENGINE_CONTAINER } from './manifests/pod';
import { NamespaceMapping } from './NamespaceMapping';
import { PodAccess, PodAddresses } from './PodAddresses';
import { PodExec } from './PodExec';
import { PodInstances } from './PodInstances';
import { PodWarnings } from './PodWarnings';
import { PodWatcher } from './PodWatcher';
import { ServiceBindings } from './ServiceBindings';
import { RuntimeEvents } from '../RuntimeEvents';
import { nodeIsReady } from './podState';
import { VolumeUsageReader } from './VolumeUsageReader';
import { ImageContract } from './ImageContract';
import {
  DEFAULT_HOST_PORTS,
  InstanceNetwork,
  NetworkMode,
  PortRange,
} from './InstanceNetwork';

/**
 * Options of {@link KubernetesRuntime.create}.
 *
 * @public
 */
export interface KubernetesRuntimeOptions {
  /** Where the API server is and who the backend is to it. */
  kubeConfig: KubeConfig;
  /** Which Kubernetes namespace each Basalt namespace's clusters go to. */
  namespaces: NamespaceMapping;
  /** How the backend reaches engines: see {@link PodAccess}. */
  access: PodAccess;
  /**
   * Where engines listen (see {@link NetworkMode}); default `pod`. In
   * `host` mode each instance gets a port of `hostPorts` on its node.
   */
  network?: { mode: NetworkMode; hostPorts: PortRange };
  /** The image each engine runs from. */
  images: Partial<Record<string, EngineImage>>;
  /** Only Nodes with these labels take instances (a label selector). */
  nodeSelector?: string;
  /** The cluster's DNS domain, for the Services' names. Default `cluster.local`. */
  clusterDomain?: string;
  /** How long a new Pod may take to run and its engine to answer. */
  podStartTimeoutMs?: number;
  /** Validity and renewal of clusters' server certificates; defaults in {@link CertificatePolicy}. */
  certificates?: CertificatePolicy;
  logger: LoggerService;
}

/**
 * Where on a Kubernetes node a volume pool configured without a `path`
 * keeps its volumes: `<this>/pools/<pool>`.
 */
export const NODE_POOL_ROOT = '/var/lib/basalt';

/**
 * The `kubernetes` runtime: each instance is a Pod of the engine's official
 * image on the node placement chose, with its data on a PersistentVolume
 * carved from that node's pool; Services select the primary and the
 * replicas by role labels Basalt keeps current; credentials are a Secret.
 * Everything is read from watches, so a resync costs no API request.
 *
 * @public
 */
export class KubernetesRuntime implements Runtime {
  readonly name = 'kubernetes';

  private readonly events: RuntimeEvents;
  private readonly addresses: PodAddresses;
  private readonly observer: InstanceObserver;
  private readonly instances: PodInstances;
  private readonly objects: ClusterObjects;
  private readonly bindings: ServiceBindings;
  private readonly usage: VolumeUsageReader;
  private readonly watcher: PodWatcher;
  private readonly warnings: PodWarnings;
  private readonly unsubscribeFromCache: () => void;
  private readonly imageContract: ImageContract;

  /** Creates the runtime and waits until its caches are filled. */
  static async create(
    options: KubernetesRuntimeOptions,
  ): Promise<KubernetesRuntime> {
    const cache = new KubeCache(
      options.kubeConfig,
      options.namespaces.all(),
      options.logger,
      options.nodeSelector,
    );
    await cache.start();
    const runtime = new KubernetesRuntime(options, cache);
    runtime.checkImages();
    return runtime;
  }

  private constructor(
    private readonly options: KubernetesRuntimeOptions,
    private readonly cache: KubeCache,
  ) {
    const writer = new KubeWriter(options.kubeConfig);
    const exec = new PodExec(options.kubeConfig);
    this.addresses = new PodAddresses(
      options.access,
      options.kubeConfig,
      options.logger,
    );
    // A deleted Pod's port-forward listener is closed with it.
    this.unsubscribeFromCache = cache.onChange(change => {
      if (change.kind === 'pod' && change.verb === 'delete') {
        const uid = change.object.metadata?.uid;
        if (uid) this.addresses.forgetPod(uid);
      }
    });
    this.observer = new InstanceObserver(cache, this.addresses);
    this.objects = new ClusterObjects(
      cache,
      writer,
      options.clusterDomain ?? 'cluster.local',
      new ClusterCertificates(options.certificates),
    );
    this.bindings = new ServiceBindings(cache, writer, (cluster, namespace) =>
      this.objects.ensureOwner(cluster, namespace),
    );
    const network = new InstanceNetwork(
      options.network?.mode ?? 'pod',
      options.network?.hostPorts ?? DEFAULT_HOST_PORTS,
      cache,
      options.namespaces.all(),
    );
    const podStartTimeoutMs = options.podStartTimeoutMs ?? 5 * 60_000;
    this.imageContract = new ImageContract({
      cache,
      writer,
      kubeNamespace: options.namespaces.all()[0],
      hostNetwork: network.hostNetwork,
      timeoutMs: podStartTimeoutMs,
      logger: options.logger,
    });
    this.instances = new PodInstances({
      cache,
      writer,
      exec,
      observer: this.observer,
      images: options.images,
      network,
      imageContract: this.imageContract,
      ensureOwner: (cluster, namespace) =>
        this.objects.ensureOwner(cluster, namespace),
      recordConfiguration: (cluster, namespace, files) =>
        this.objects.recordConfiguration(cluster, namespace, files),
      podStartTimeoutMs,
      logger: options.logger,
    });
    this.usage = new VolumeUsageReader(exec);
    this.events = new RuntimeEvents(
      options.logger,
      event => `${event.cluster.namespace}/${event.instance}`,
    );
    this.watcher = new PodWatcher(cache, event => this.events.emit(event));
    this.warnings = new PodWarnings(cache, event => this.events.emit(event));
  }

  async listNodes(): Promise<RuntimeNode[]> {
    return this.cache
      .listNodes()
      .map(node => ({ name: node.metadata!.name!, ready: nodeIsReady(node) }));
  }

  async listInstances(cluster: ClusterKey): Promise<RuntimeInstance[]> {
    const namespace = this.options.namespaces.of(cluster.namespace);
    return Promise.all(
      [...this.observer.objects(cluster, namespace)].map(([name, objects]) =>
        this.observer.toInstance(name, objects, this.portOf(objects.pod)),
      ),
    );
  }

  ensureInstance(request: InstanceRequest): Promise<RuntimeInstance> {
    return this.instances.ensure(
      request,
      this.options.namespaces.of(request.cluster.namespace),
    );
  }

  async instanceHost(
    cluster: ClusterKey,
    name: string,
    engine: string,
  ): Promise<EngineHost> {
    return this.instances.instanceHost(
      cluster,
      this.options.namespaces.of(cluster.namespace),
      name,
      engine,
    );
  }

  writeConfiguration(request: InstanceRequest): Promise<void> {
    return this.instances.writeConfiguration(
      request,
      this.options.namespaces.of(request.cluster.namespace),
    );
  }

  stopInstance(
    cluster: ClusterKey,
    name: string,
    mode: 'kill' | 'clean',
  ): Promise<void> {
    return this.instances.stop(
      cluster,
      this.options.namespaces.of(cluster.namespace),
      name,
      mode,
    );
  }

  async removeInstance(cluster: ClusterKey, name: string): Promise<void> {
    await this.instances.remove(
      cluster,
      this.options.namespaces.of(cluster.namespace),
      name,
    );
  }

  /** Reads the engine container's log through the API server. */
  async *readLogs(
    cluster: ClusterKey,
    instance: string,
    options: LogReadOptions,
  ): AsyncGenerator<string> {
    const namespace = this.options.namespaces.of(cluster.namespace);
    const pod = this.observer.find(cluster, namespace, instance)?.pod;
    if (!pod) {
      throw new NotFoundError(
        `Instance ${cluster.namespace}/${instance} has no Pod to read a log from`,
      );
    }
    const stream = new PassThrough();
    const abort = await new Log(this.options.kubeConfig).log(
      namespace,
      pod.metadata!.name!,
      ENGINE_CONTAINER,
      stream,
      // Ends with the log (or the Pod); errors end the lines too.
      () => stream.end(),
      { follow: options.follow, tailLines: options.tailLines },
    );
    const stop = () => {
      abort.abort();
      stream.end();
    };
    options.signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const line of createInterface({ input: stream })) {
        yield line;
      }
    } finally {
      options.signal.removeEventListener('abort', stop);
      abort.abort();
    }
  }

  async ensureEndpoints(
    cluster: ClusterKey,
    targets: EndpointTargets,
  ): Promise<ClusterEndpoints> {
    const namespace = this.options.namespaces.of(cluster.namespace);
    const pods: { pod: V1Pod; address: EngineAddress }[] = [];
    for (const objects of this.observer.objects(cluster, namespace).values()) {
      if (!objects.pod) continue;
      const port = this.portOf(objects.pod);
      const address = await this.addresses.addressOf(objects.pod, port);
      if (address) pods.push({ pod: objects.pod, address });
    }
    return this.objects.ensureEndpoints(
      cluster,
      namespace,
      targets,
      pods,
      this.servicePortOf(pods[0]?.pod),
    );
  }

  removeEndpoints(cluster: ClusterKey): Promise<void> {
    return this.objects.removeEndpoints(
      cluster,
      this.options.namespaces.of(cluster.namespace),
    );
  }

  ensureCredentials(
    cluster: ClusterKey,
    accounts: string[],
  ): Promise<{
    credentials: ClusterCredentials;
    reference: CredentialsReference;
  }> {
    return this.objects.ensureCredentials(
      cluster,
      this.options.namespaces.of(cluster.namespace),
      accounts,
    );
  }

  ensureBindings(
    cluster: ClusterKey,
    bindings: AccountBinding[],
  ): Promise<void> {
    return this.bindings.ensure(
      cluster,
      this.options.namespaces.of(cluster.namespace),
      bindings,
    );
  }

  async rotatePassword(cluster: ClusterKey, account: string): Promise<void> {
    await this.objects.ensureCredentials(
      cluster,
      this.options.namespaces.of(cluster.namespace),
      [account],
      [account],
    );
  }

  async removeCredentials(cluster: ClusterKey): Promise<void> {
    const kubeNamespace = this.options.namespaces.of(cluster.namespace);
    await this.bindings.remove(cluster, kubeNamespace);
    await this.objects.removeCredentials(cluster, kubeNamespace);
  }

  /**
   * Volumes are directories of the node's pool: placement keeps them
   * within the pools' budgets, but nothing on the node caps them.
   */
  async volumeEnforcement(): Promise<VolumeEnforcement> {
    return {
      enforced: false,
      reason:
        'the kubernetes runtime budgets volumes by placement; their capacity and throughput are not capped on the nodes',
    };
  }

  /** The kubelet holds each Pod to its limits (see `containerResources`). */
  async resourceEnforcement(): Promise<ResourceEnforcement> {
    return { enforced: true };
  }

  async volumeUsage(
    cluster: ClusterKey,
    instance: string,
  ): Promise<VolumeUsage | undefined> {
    const namespace = this.options.namespaces.of(cluster.namespace);
    const objects = this.observer.find(cluster, namespace, instance);
    if (!objects?.pod) return undefined;
    return this.usage.read(objects.pod, objects.claim);
  }

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    return this.events.subscribe(listener);
  }

  /**
   * Checks every engine's image at start-up, in the background: a wrong
   * image is reported at once, in the log, and not only when an instance of
   * it is first created (which then fails with the same words).
   */
  private checkImages(): void {
    for (const [engine, image] of Object.entries(this.options.images)) {
      if (!image) continue;
      this.imageContract.verify(engine, image).catch(error => {
        if (error instanceof EngineUnavailableError) {
          this.options.logger.error(
            `Engine ${engine} cannot run on Kubernetes: ${error.message}`,
          );
        } else {
          this.options.logger.warn(
            `Could not check the image of ${engine} yet (it is checked again before its first instance): ${error.message}`,
          );
        }
      });
    }
  }

  /** Stops watching and closes port-forward listeners; Pods keep running. */
  async stop(): Promise<void> {
    this.events.clear();
    this.unsubscribeFromCache();
    this.watcher.close();
    this.warnings.close();
    this.addresses.close();
    await this.cache.stop();
  }

  /**
   * The engine port of a Pod (from its spec); without a Pod, the first
   * installed engine's, which only names a port nothing serves yet.
   */
  private portOf(pod: V1Pod | undefined): number {
    return (
      engineContainerOf(pod)?.ports?.[0]?.containerPort ?? this.defaultPort()
    );
  }

  /**
   * The port of the cluster's Services: the standard port of the engine the
   * Pod runs, whichever port the instance itself listens on (in `host`
   * mode each has its own; the Services map to it by the port's name).
   */
  private servicePortOf(pod: V1Pod | undefined): number {
    const image = engineContainerOf(pod)?.image;
    return (
      Object.values(this.options.images).find(
        candidate => candidate?.image === image,
      )?.port ?? this.portOf(pod)
    );
  }

  private defaultPort(): number {
    return Object.values(this.options.images)[0]?.port ?? 0;
  }
}

function engineContainerOf(pod: V1Pod | undefined) {
  return pod?.spec?.containers.find(
    candidate => candidate.name === ENGINE_CONTAINER,
  );
}
