import { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { EngineAddress } from '@basalt/plugin-basalt-node';
import { EngineImage } from './engineImages';
import { KubeCache } from './KubeCache';

/**
 * Where instances' engines listen:
 * - `pod`: each Pod on its own IP of the cluster's Pod network, on the
 *   engine's standard port (5432 for PostgreSQL).
 * - `host`: each Pod on its node's network (`hostNetwork`), on a port of
 *   its own from {@link HostNetworkOptions.ports}, so that instances of any
 *   cluster can share a node. For clusters without a Pod network, or teams
 *   that want engines on the nodes' addresses.
 */
export type NetworkMode = 'pod' | 'host';

/** The ports engines listen on in `host` mode, both ends included. */
export interface PortRange {
  from: number;
  to: number;
}

/**
 * The ports of engines in `host` network mode unless configured: below
 * Kubernetes' NodePort range (which kube-proxy may hold on every node) and
 * the kernel's ephemeral ports (which outgoing connections take).
 */
export const DEFAULT_HOST_PORTS: PortRange = { from: 15000, to: 15999 };

/** Set on an instance's claim in `host` mode: its engine's port, for good. */
export const PORT_ANNOTATION = 'basalt.dev/port';

/**
 * Decides each instance's engine port and listen address for the
 * {@link NetworkMode}. In `host` mode a port is given to an instance when
 * its volume is made and kept with the volume, so the instance listens on
 * the same port for its life (replicas and Services keep finding it). Ports
 * are unique across the cluster, not only per node: the engine also listens
 * on its node's loopback (for port-forward), and nodes that share one
 * machine share that loopback.
 */
export class InstanceNetwork {
  /** Ports given out whose claims the cache has not shown yet. */
  private readonly pending = new Set<number>();

  constructor(
    readonly mode: NetworkMode,
    private readonly ports: PortRange,
    private readonly cache: KubeCache,
    private readonly kubeNamespaces: string[],
  ) {}

  /** Whether Pods use their node's network. */
  get hostNetwork(): boolean {
    return this.mode === 'host';
  }

  /**
   * The port a new instance gets: the image's in `pod` mode, the lowest
   * free one of the range in `host` mode.
   *
   * @throws Error when every port of the range is taken.
   */
  newPort(image: EngineImage): number {
    if (!this.hostNetwork) return image.port;
    const taken = this.portsTaken();
    for (let port = this.ports.from; port <= this.ports.to; port++) {
      if (!taken.has(port)) {
        this.pending.add(port);
        return port;
      }
    }
    throw new Error(
      `No free host port: all of ${this.ports.from}-${this.ports.to} are taken (basalt.runtimes.kubernetes.hostPorts)`,
    );
  }

  /** Gives back a port from {@link newPort} whose claim was never made. */
  releasePort(port: number): void {
    this.pending.delete(port);
  }

  /** See `EngineHost.alsoListenOn`: in `host` mode, the node's loopback. */
  alsoListenOn(): string[] | undefined {
    return this.hostNetwork ? ['127.0.0.1'] : undefined;
  }

  /** Annotations that keep a new instance's port with its claim. */
  claimAnnotations(port: number): Record<string, string> {
    return this.hostNetwork ? { [PORT_ANNOTATION]: String(port) } : {};
  }

  /**
   * The port an existing instance's engine listens on.
   *
   * @throws Error in `host` mode for a claim made without a port (in `pod`
   * mode): the network mode of existing instances cannot change.
   */
  portOf(
    claim: V1PersistentVolumeClaim | undefined,
    image: EngineImage,
  ): number {
    if (!this.hostNetwork) return image.port;
    const port = Number(claim?.metadata?.annotations?.[PORT_ANNOTATION]);
    if (!Number.isInteger(port) || port <= 0) {
      throw new Error(
        `Claim ${claim?.metadata?.namespace}/${claim?.metadata?.name} has no ${PORT_ANNOTATION}: it was made for the pod network mode, which existing instances keep`,
      );
    }
    return port;
  }

  /**
   * Where the engine of Pod `podName` on `node` listens: the Pod's host
   * name in `pod` mode, the node's address in `host` mode.
   */
  listenAddress(node: string, podName: string, port: number): EngineAddress {
    return { host: this.hostNetwork ? this.nodeAddress(node) : podName, port };
  }

  /** The node's InternalIP (what a `hostNetwork` Pod's IP is), else its name. */
  private nodeAddress(node: string): string {
    const addresses = this.cache.getNode(node)?.status?.addresses ?? [];
    return (
      addresses.find(address => address.type === 'InternalIP')?.address ?? node
    );
  }

  private portsTaken(): Set<number> {
    const taken = new Set<number>();
    for (const namespace of this.kubeNamespaces) {
      for (const claim of this.cache.listClaims(namespace)) {
        const port = Number(claim.metadata?.annotations?.[PORT_ANNOTATION]);
        if (port) taken.add(port);
      }
    }
    // A port the cache shows on a claim needs no reservation any more.
    for (const port of this.pending) {
      if (taken.has(port)) this.pending.delete(port);
      else taken.add(port);
    }
    return taken;
  }
}
