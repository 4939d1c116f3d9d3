import { LoggerService } from '@backstage/backend-plugin-api';
import { ForwardedError, InputError, NotFoundError } from '@backstage/errors';
import { V1Pod } from '@kubernetes/client-node';
import {
  ClusterKey,
  EngineUnavailableError,
  initializeData,
  InstanceRequest,
  RuntimeInstance,
} from '@basalt/plugin-basalt-node';
import { EngineImage } from './engineImages';
import { KeyedMutex } from '../KeyedMutex';
import { KubeCache } from './KubeCache';
import { KubeWriter } from './KubeWriter';
import { InstanceObjects, InstanceObserver } from './InstanceObserver';
import { InstanceNetwork } from './InstanceNetwork';
import { ImageContract } from './ImageContract';
import { waitUntilBound } from './claimBinding';
import {
  cleanupPod,
  ENGINE_CONTAINER,
  instancePod,
  STARTED_ANNOTATION,
  STATE_DIR,
} from './manifests/pod';
import { OwnerObject } from './manifests/owner';
import {
  INITIALIZED_ANNOTATION,
  instanceClaim,
  instanceVolume,
} from './manifests/volume';
import { ObjectNames, ofCluster, volumeName } from './names';
import { PodEngineHost } from './PodEngineHost';
import { PodExec } from './PodExec';
import {
  engineContainerRunning,
  engineStarted,
  engineStatus,
  nodeIsReady,
  podFailure,
  podIsReady,
} from './podState';

/** What {@link PodInstances} works with. */
export interface PodInstancesOptions {
  cache: KubeCache;
  writer: KubeWriter;
  exec: PodExec;
  observer: InstanceObserver;
  images: Partial<Record<string, EngineImage>>;
  /** Where engines listen: the Pod network, or their node's. */
  network: InstanceNetwork;
  /** Whether an engine's image meets Basalt's image contract. */
  imageContract: ImageContract;
  /** The cluster's anchor object, created when missing. */
  ensureOwner(cluster: ClusterKey, kubeNamespace: string): Promise<OwnerObject>;
  /** Records the engine configuration the driver rendered. */
  recordConfiguration(
    cluster: ClusterKey,
    kubeNamespace: string,
    files: Record<string, string>,
  ): Promise<void>;
  /** How long a new Pod may take to run (image pulls) and to become ready. */
  podStartTimeoutMs: number;
  logger: LoggerService;
}

/**
 * The lifecycle of instances as Pods: one Pod per instance, created and
 * deleted individually (so roles, targeted deletion and placement stay
 * Basalt's), each with its claim on a volume of its node's pool. The data
 * is created by the engine's driver through exec in the Pod, before its
 * engine is allowed to start.
 */
export class PodInstances {
  private readonly mutex = new KeyedMutex();

  constructor(private readonly options: PodInstancesOptions) {}

  ensure(
    request: InstanceRequest,
    kubeNamespace: string,
  ): Promise<RuntimeInstance> {
    return this.mutex.run(
      this.mutexKey(kubeNamespace, request.cluster, request.name),
      () => this.ensureNow(request, kubeNamespace),
    );
  }

  /**
   * Writes the driver's configuration files into the instance's data
   * directory through its running Pod, and records them on the cluster's
   * ConfigMap; see Runtime.writeConfiguration.
   */
  writeConfiguration(
    request: InstanceRequest,
    kubeNamespace: string,
  ): Promise<void> {
    const { cluster, name, driver, context } = request;
    return this.mutex.run(
      this.mutexKey(kubeNamespace, cluster, name),
      async () => {
        const objects = this.options.observer.find(
          cluster,
          kubeNamespace,
          name,
        );
        if (!objects?.pod || !engineStarted(objects.pod)) {
          throw new NotFoundError(
            `Instance ${label(cluster, name)} has no running Pod`,
          );
        }
        const image = this.imageOf(driver.engine);
        const host = this.hostOf(kubeNamespace, cluster, name, image, objects);
        const files = driver.configurationFiles(host, context);
        for (const [file, content] of Object.entries(files)) {
          await host.writeFile(file, content);
        }
        await this.options.recordConfiguration(cluster, kubeNamespace, files);
      },
    );
  }

  /** Deletes the instance's Pod and waits until it is gone; keeps its data. */
  stop(
    cluster: ClusterKey,
    kubeNamespace: string,
    name: string,
    mode: 'kill' | 'clean',
  ): Promise<void> {
    return this.mutex.run(
      this.mutexKey(kubeNamespace, cluster, name),
      async () => {
        const objects = this.options.observer.find(
          cluster,
          kubeNamespace,
          name,
        );
        if (objects?.pod) await this.deletePod(objects.pod, objects.node, mode);
      },
    );
  }

  /**
   * Deletes the Pod, empties the volume on its node (a cleanup Pod) and
   * deletes the claim and the volume. A volume on a node that is gone is
   * released without being emptied, and the log says so.
   */
  remove(cluster: ClusterKey, kubeNamespace: string, name: string) {
    return this.mutex.run(this.mutexKey(kubeNamespace, cluster, name), () =>
      this.discard(cluster, kubeNamespace, name),
    );
  }

  private async ensureNow(
    request: InstanceRequest,
    kubeNamespace: string,
  ): Promise<RuntimeInstance> {
    const { cluster, name } = request;
    const image = this.imageOf(request.driver.engine);
    let objects = this.options.observer.find(cluster, kubeNamespace, name);
    if (objects && !isInitialized(objects)) {
      this.options.logger.warn(
        `Removing instance ${label(
          cluster,
          name,
        )}, whose creation was interrupted`,
      );
      await this.discard(cluster, kubeNamespace, name);
      objects = undefined;
    }
    if (!objects) {
      return this.create(request, kubeNamespace, image);
    }
    if (!nodeIsReady(this.options.cache.getNode(objects.node))) {
      throw new ForwardedError(
        `Cannot run instance ${label(cluster, name)}`,
        new Error(`its volume's node ${objects.node} is not ready`),
      );
    }
    let pod = objects.pod;
    if (pod && request.restartedAt && startedBefore(pod, request.restartedAt)) {
      await this.deletePod(pod, objects.node, 'clean');
      pod = undefined;
    }
    if (pod?.metadata?.deletionTimestamp) {
      await this.waitGone(pod);
      pod = undefined;
    }
    if (pod && engineStarted(pod)) {
      return this.observe(name, kubeNamespace, cluster, image);
    }
    const host = this.hostOf(kubeNamespace, cluster, name, image, objects);
    if (!pod) {
      const owner = await this.options.ensureOwner(cluster, kubeNamespace);
      pod = await this.createPod(request, kubeNamespace, image, {
        node: objects.node,
        owner,
        host,
      });
    }
    if (request.role?.role === 'replica') {
      const done = await request.driver.prepareReplica(host, request.context, {
        name,
        primary: request.role.primary,
      });
      this.options.logger.info(
        `Prepared instance ${label(cluster, name)} to replicate from ${
          request.role.primary.peerAddress.host
        }${done.map(what => `, ${what}`).join('')}`,
      );
    }
    await this.start(pod, host);
    return this.observe(name, kubeNamespace, cluster, image);
  }

  /** Volume, claim, Pod, data, start; on any failure, removes all of it. */
  private async create(
    request: InstanceRequest,
    kubeNamespace: string,
    image: EngineImage,
  ): Promise<RuntimeInstance> {
    const { cluster, name, node, volume, driver, context, bootstrap } = request;
    if (!volume) {
      throw new InputError(
        `Instance ${label(
          cluster,
          name,
        )} has no volume: the kubernetes runtime places every instance on a volume pool`,
      );
    }
    if (!nodeIsReady(this.options.cache.getNode(node))) {
      throw new InputError(`Node ${node} is not a ready Kubernetes node`);
    }
    await this.options.imageContract.verify(request.driver.engine, image);
    const startedAt = Date.now();
    const owner = await this.options.ensureOwner(cluster, kubeNamespace);
    const { network } = this.options;
    const port = network.newPort(image);
    const input = {
      cluster,
      kubeNamespace,
      instance: name,
      node,
      volume,
      owner,
      annotations: network.claimAnnotations(port),
    };
    try {
      await this.options.writer.createVolume(instanceVolume(input));
      await this.options.writer.createClaim(instanceClaim(input));
      await waitUntilBound(
        this.options.cache,
        this.options.writer,
        kubeNamespace,
        new ObjectNames(cluster).claim(name),
        this.options.podStartTimeoutMs,
      );
      const podName = new ObjectNames(cluster).pod(name);
      const host = new PodEngineHost(
        this.options.exec,
        { namespace: kubeNamespace, pod: podName, container: ENGINE_CONTAINER },
        network.listenAddress(node, podName, port),
        network.alsoListenOn(),
      );
      const pod = await this.createPod(request, kubeNamespace, image, {
        node,
        owner,
        host,
      });
      await initializeData(request, host);
      await this.options.recordConfiguration(
        cluster,
        kubeNamespace,
        driver.configurationFiles(host, context),
      );
      await this.options.writer.annotateClaim(
        kubeNamespace,
        new ObjectNames(cluster).claim(name),
        { [INITIALIZED_ANNOTATION]: 'true' },
      );
      await this.start(pod, host);
    } catch (error) {
      network.releasePort(port);
      await this.discard(cluster, kubeNamespace, name).catch(cleanup =>
        this.options.logger.error(
          `Could not remove the half-created instance ${label(cluster, name)}`,
          cleanup,
        ),
      );
      throw new ForwardedError(
        `Could not create instance ${label(
          cluster,
          name,
        )}; removed what was made`,
        error,
      );
    }
    this.options.logger.info(
      `Created instance ${label(cluster, name)} on node ${node} (from ${
        bootstrap.from
      }) in ${Date.now() - startedAt} ms`,
    );
    return this.observe(name, kubeNamespace, cluster, image);
  }

  /**
   * Creates the instance's Pod (its engine to be reached as `host`) and
   * waits until its engine container runs.
   */
  private async createPod(
    request: InstanceRequest,
    kubeNamespace: string,
    image: EngineImage,
    {
      node,
      owner,
      host,
    }: { node: string; owner: OwnerObject; host: PodEngineHost },
  ): Promise<V1Pod> {
    const podName = new ObjectNames(request.cluster).pod(request.name);
    const template = instancePod({
      cluster: request.cluster,
      kubeNamespace,
      instance: request.name,
      node,
      image,
      network: {
        hostNetwork: this.options.network.hostNetwork,
        listen: host.address,
      },
      server: request.driver.serverCommand(host),
      owner,
      role: request.role?.role,
      resources: request.resources,
    });
    await this.options.writer.createPod(template);
    return this.options.cache.waitFor(
      () => {
        const pod = this.options.cache.getPod(kubeNamespace, podName);
        if (!pod) return undefined;
        const failure = podFailure(pod);
        if (failure)
          throw new Error(`Pod ${kubeNamespace}/${podName}: ${failure}`);
        return engineContainerRunning(pod) ? pod : undefined;
      },
      {
        timeoutMs: this.options.podStartTimeoutMs,
        describe: () =>
          `Pod ${kubeNamespace}/${podName} did not run within ${
            this.options.podStartTimeoutMs
          } ms (${describePod(
            this.options.cache.getPod(kubeNamespace, podName),
          )})`,
      },
    );
  }

  /** Lets the Pod's engine start, and waits until it answers. */
  private async start(pod: V1Pod, host: PodEngineHost): Promise<void> {
    const { namespace, name, uid } = pod.metadata as Required<
      Pick<NonNullable<V1Pod['metadata']>, 'namespace' | 'name' | 'uid'>
    >;
    await host.exec('touch', [`${STATE_DIR}/start-${uid}`]);
    await this.options.writer.patchPodMetadata(namespace, name, {
      annotations: { [STARTED_ANNOTATION]: uid },
    });
    await this.options.cache.waitFor(
      () => {
        const current = this.options.cache.getPod(namespace, name);
        if (current?.metadata?.uid !== uid) {
          throw new Error(`Pod ${namespace}/${name} went away while starting`);
        }
        return podIsReady(current) && engineStarted(current) ? true : undefined;
      },
      {
        timeoutMs: this.options.podStartTimeoutMs,
        describe: () =>
          `The engine in Pod ${namespace}/${name} did not become ready within ${
            this.options.podStartTimeoutMs
          } ms (${describePod(this.options.cache.getPod(namespace, name))})`,
      },
    );
  }

  private async deletePod(
    pod: V1Pod,
    node: string,
    mode: 'kill' | 'clean',
  ): Promise<void> {
    const { namespace, name, uid } = pod.metadata!;
    // A lost node's kubelet never confirms a graceful deletion: the Pod is
    // removed from the API at once, which fences it off from the Services.
    const force =
      mode === 'kill' || !nodeIsReady(this.options.cache.getNode(node));
    await this.options.writer.deletePod(namespace!, name!, {
      uid,
      ...(force && { gracePeriodSeconds: 0 }),
    });
    await this.waitGone(pod);
  }

  /**
   * Waits until the Pod is gone from the API. A kubelet removes a deleted
   * Pod's object only at its next housekeeping, seconds after its
   * containers stopped; once the engine container has terminated the
   * engine holds nothing any more, so the object is removed at once then
   * (grace period 0, only that Pod by its uid), and a Pod of the same name
   * can follow without that wait.
   */
  private async waitGone(pod: V1Pod): Promise<void> {
    const { namespace, name, uid } = pod.metadata as Required<
      Pick<NonNullable<V1Pod['metadata']>, 'namespace' | 'name' | 'uid'>
    >;
    const grace = (pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
    const state = await this.options.cache.waitFor(
      () => {
        const current = this.options.cache.getPod(namespace, name);
        if (current?.metadata?.uid !== uid) return 'gone';
        return current.metadata?.deletionTimestamp &&
          engineStatus(current)?.state?.terminated
          ? 'stopped'
          : undefined;
      },
      {
        timeoutMs: grace + 30_000,
        describe: () => `Pod ${namespace}/${name} was not deleted in time`,
      },
    );
    if (state === 'gone') return;
    await this.options.writer.deletePod(namespace, name, {
      uid,
      gracePeriodSeconds: 0,
    });
    await this.options.cache.waitFor(
      () =>
        this.options.cache.getPod(namespace, name)?.metadata?.uid === uid
          ? undefined
          : true,
      {
        timeoutMs: 30_000,
        describe: () => `Pod ${namespace}/${name} was not deleted in time`,
      },
    );
  }

  private async discard(
    cluster: ClusterKey,
    kubeNamespace: string,
    name: string,
  ): Promise<void> {
    const names = new ObjectNames(cluster);
    const claimName = names.claim(name);
    const objects = this.options.observer.find(cluster, kubeNamespace, name);
    const pod = ofCluster(
      cluster,
      this.options.cache.getPod(kubeNamespace, names.pod(name)),
    );
    if (pod) await this.deletePod(pod, objects?.node ?? '', 'kill');
    if (objects) await this.emptyVolume(cluster, kubeNamespace, name, objects);
    await this.options.writer.deleteClaim(kubeNamespace, claimName);
    await this.options.writer.deleteVolume(
      volumeName(kubeNamespace, claimName),
    );
    this.options.logger.info(`Removed instance ${label(cluster, name)}`);
  }

  /** Runs a cleanup Pod that empties the volume's directory on its node. */
  private async emptyVolume(
    cluster: ClusterKey,
    kubeNamespace: string,
    name: string,
    objects: InstanceObjects,
  ): Promise<void> {
    if (!nodeIsReady(this.options.cache.getNode(objects.node))) {
      this.options.logger.warn(
        `Instance ${label(cluster, name)}: node ${
          objects.node
        } is not ready, so its volume's directory there is released without being emptied`,
      );
      return;
    }
    const image = Object.values(this.options.images).find(Boolean)!;
    const owner = await this.options.ensureOwner(cluster, kubeNamespace);
    const pod = cleanupPod({
      cluster,
      kubeNamespace,
      instance: name,
      node: objects.node,
      image,
      owner,
      hostNetwork: this.options.network.hostNetwork,
    });
    const podName = pod.metadata!.name!;
    await this.options.writer.createPod(pod);
    try {
      const phase = await this.options.cache.waitFor(
        () => {
          const current = this.options.cache.getPod(kubeNamespace, podName);
          const value = current?.status?.phase;
          return value === 'Succeeded' || value === 'Failed'
            ? value
            : undefined;
        },
        {
          timeoutMs: this.options.podStartTimeoutMs,
          describe: () =>
            `Cleanup Pod ${kubeNamespace}/${podName} did not finish`,
        },
      );
      if (phase === 'Failed') {
        throw new Error(`Cleanup Pod ${kubeNamespace}/${podName} failed`);
      }
    } finally {
      await this.options.writer.deletePod(kubeNamespace, podName, {
        gracePeriodSeconds: 0,
      });
    }
  }

  /**
   * The engine host in an existing instance's Pod, listening where the
   * network mode says (see {@link InstanceNetwork.listenAddress}).
   */
  private hostOf(
    namespace: string,
    cluster: ClusterKey,
    instance: string,
    image: EngineImage,
    objects: InstanceObjects,
  ): PodEngineHost {
    const podName = new ObjectNames(cluster).pod(instance);
    const { network } = this.options;
    return new PodEngineHost(
      this.options.exec,
      { namespace, pod: podName, container: ENGINE_CONTAINER },
      network.listenAddress(
        objects.node,
        podName,
        network.portOf(objects.claim, image),
      ),
      network.alsoListenOn(),
    );
  }

  /** One instance's operations run one at a time. */
  private mutexKey(
    kubeNamespace: string,
    cluster: ClusterKey,
    instance: string,
  ): string {
    return `${kubeNamespace}/${cluster.uid}/${instance}`;
  }

  /** See {@link Runtime.instanceHost}. */
  instanceHost(
    cluster: ClusterKey,
    kubeNamespace: string,
    name: string,
    engine: string,
  ): PodEngineHost {
    const objects = this.options.observer.find(cluster, kubeNamespace, name);
    if (!objects) {
      throw new NotFoundError(`Instance ${label(cluster, name)} not found`);
    }
    return this.hostOf(
      kubeNamespace,
      cluster,
      name,
      this.imageOf(engine),
      objects,
    );
  }

  private async observe(
    name: string,
    kubeNamespace: string,
    cluster: ClusterKey,
    image: EngineImage,
  ): Promise<RuntimeInstance> {
    const objects = this.options.observer.find(cluster, kubeNamespace, name);
    if (!objects) throw new Error(`Instance ${label(cluster, name)} vanished`);
    return this.options.observer.toInstance(
      name,
      objects,
      this.options.network.portOf(objects.claim, image),
    );
  }

  private imageOf(engine: string): EngineImage {
    const image = this.options.images[engine];
    if (!image) {
      throw new EngineUnavailableError(
        `The kubernetes runtime has no image for ${engine}: set basalt.runtimes.kubernetes.images.${engine}`,
      );
    }
    return image;
  }
}

function isInitialized(objects: InstanceObjects): boolean {
  return (
    objects.claim.metadata?.annotations?.[INITIALIZED_ANNOTATION] === 'true'
  );
}

/**
 * Whether the Pod's engine started before `restartedAt`. Kubernetes gives
 * start times in whole seconds: a Pod started in the second of the request
 * counts as started since, or one restarted within that second would seem
 * older than the request and be restarted again.
 */
function startedBefore(pod: V1Pod, restartedAt: string): boolean {
  const started = engineStatus(pod)?.state?.running?.startedAt;
  if (!started || !engineStarted(pod)) return false;
  const requestSecond = Math.floor(Date.parse(restartedAt) / 1000) * 1000;
  return new Date(started).getTime() < requestSecond;
}

function describePod(pod: V1Pod | undefined): string {
  if (!pod) return 'no Pod';
  const phase = pod.status?.phase ?? 'Pending';
  const failure = podFailure(pod);
  return failure ? `${phase}: ${failure}` : phase;
}

function label(cluster: ClusterKey, name: string): string {
  return `${cluster.namespace}/${name}`;
}
