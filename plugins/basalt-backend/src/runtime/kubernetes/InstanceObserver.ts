import { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { ClusterKey, RuntimeInstance } from '@basalt/plugin-basalt-node';
import { KubeCache } from './KubeCache';
import { NODE_ANNOTATION } from './manifests/volume';
import { LABELS, ObjectNames, ofCluster } from './names';
import { PodAddresses } from './PodAddresses';
import {
  engineContainerRunning,
  engineStarted,
  engineStatus,
  lastExit,
  nodeIsReady,
  podFailure,
} from './podState';

/** What one instance is made of in Kubernetes right now. */
export interface InstanceObjects {
  claim: V1PersistentVolumeClaim;
  /** Its Pod, when there is one (of this cluster; never a namesake's). */
  pod?: V1Pod;
  node: string;
}

/**
 * Reads instances from the cache: an instance is its claim (its data),
 * with the Pod that runs it when there is one.
 */
export class InstanceObserver {
  constructor(
    private readonly cache: KubeCache,
    private readonly addresses: PodAddresses,
  ) {}

  /** The cluster's instances, by name. */
  objects(
    cluster: ClusterKey,
    kubeNamespace: string,
  ): Map<string, InstanceObjects> {
    const names = new ObjectNames(cluster);
    const result = new Map<string, InstanceObjects>();
    for (const claim of this.cache.listClaims(kubeNamespace)) {
      if (!ofCluster(cluster, claim)) continue;
      const instance = claim.metadata?.labels?.[LABELS.instance];
      if (!instance) continue;
      result.set(
        instance,
        this.objectsOf(claim, kubeNamespace, names.pod(instance), cluster),
      );
    }
    return result;
  }

  /** One instance, looked up by its claim's name (no scan of the others). */
  find(
    cluster: ClusterKey,
    kubeNamespace: string,
    instance: string,
  ): InstanceObjects | undefined {
    const names = new ObjectNames(cluster);
    const claim = ofCluster(
      cluster,
      this.cache.getClaim(kubeNamespace, names.claim(instance)),
    );
    if (!claim) return undefined;
    return this.objectsOf(claim, kubeNamespace, names.pod(instance), cluster);
  }

  private objectsOf(
    claim: V1PersistentVolumeClaim,
    kubeNamespace: string,
    podName: string,
    cluster: ClusterKey,
  ): InstanceObjects {
    return {
      claim,
      pod: ofCluster(cluster, this.cache.getPod(kubeNamespace, podName)),
      node: claim.metadata?.annotations?.[NODE_ANNOTATION] ?? '',
    };
  }

  /** The instance as the controller sees it. */
  async toInstance(
    name: string,
    objects: InstanceObjects,
    port: number,
  ): Promise<RuntimeInstance> {
    const { pod, node } = objects;
    const nodeReady = nodeIsReady(this.cache.getNode(node));
    const running =
      nodeReady &&
      pod !== undefined &&
      engineContainerRunning(pod) &&
      engineStarted(pod);
    const address = pod && (await this.addresses.addressOf(pod, port));
    const peerAddress = pod && this.addresses.peerAddressOf(pod, port);
    return {
      name,
      node,
      // Without a Pod there is nothing to reach; the host name it will have.
      address: address ?? { host: pod?.metadata?.name ?? name, port },
      ...(peerAddress && { peerAddress }),
      running,
      ...(!running && { message: whyNotRunning(pod, node, nodeReady) }),
      ...(running && {
        startedAt: toIso(engineStatus(pod!)?.state?.running?.startedAt),
      }),
    };
  }
}

function whyNotRunning(
  pod: V1Pod | undefined,
  node: string,
  nodeReady: boolean,
): string {
  if (!nodeReady) return `node ${node} is not ready`;
  if (!pod) return 'it has no Pod';
  if (pod.metadata?.deletionTimestamp) return 'its Pod is being deleted';
  return (
    podFailure(pod) ??
    lastExit(pod) ??
    (engineStarted(pod)
      ? `its Pod is ${pod.status?.phase ?? 'Pending'}`
      : 'its data is being prepared')
  );
}

function toIso(value: Date | string | undefined): string | undefined {
  if (!value) return undefined;
  return value instanceof Date ? value.toISOString() : value;
}
