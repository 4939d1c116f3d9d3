import net from 'node:net';
import { KubeConfig, PortForward, V1Pod } from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { EngineAddress } from '@basalt/plugin-basalt-node';

/**
 * How the backend reaches an engine in a Pod: straight over the Pod network
 * (the backend runs in the cluster), or through the API server's
 * port-forward (it runs outside).
 */
export type PodAccess = 'podNetwork' | 'portForward';

/**
 * Gives each running Pod an address the backend's engine clients and tools
 * connect to. With `portForward`, that is a listener on 127.0.0.1 per Pod
 * whose every connection is a port-forward stream through the API server.
 */
export class PodAddresses {
  private readonly forwards = new Map<
    string,
    { server: net.Server; address: Promise<EngineAddress> }
  >();
  private readonly portForward: PortForward;

  constructor(
    private readonly access: PodAccess,
    kubeConfig: KubeConfig,
    private readonly logger: LoggerService,
  ) {
    this.portForward = new PortForward(kubeConfig);
  }

  /** The address of the Pod's engine, or undefined while it has no IP. */
  async addressOf(
    pod: V1Pod,
    port: number,
  ): Promise<EngineAddress | undefined> {
    const podIP = pod.status?.podIP;
    if (!podIP || pod.metadata?.deletionTimestamp) return undefined;
    if (this.access === 'podNetwork') return { host: podIP, port };
    return this.forwardTo(pod, port);
  }

  /**
   * Where the cluster's other Pods reach the Pod's engine: its IP on the
   * Pod network, whichever way the backend reaches it.
   */
  peerAddressOf(pod: V1Pod, port: number): EngineAddress | undefined {
    const podIP = pod.status?.podIP;
    return podIP ? { host: podIP, port } : undefined;
  }

  /** Closes the listener of a Pod that no longer exists, if it has one. */
  forgetPod(uid: string): void {
    const forward = this.forwards.get(uid);
    if (!forward) return;
    forward.server.close();
    this.forwards.delete(uid);
  }

  close(): void {
    for (const forward of this.forwards.values()) forward.server.close();
    this.forwards.clear();
  }

  private forwardTo(pod: V1Pod, port: number): Promise<EngineAddress> {
    const uid = pod.metadata!.uid!;
    const existing = this.forwards.get(uid);
    if (existing) return existing.address;
    const namespace = pod.metadata!.namespace!;
    const name = pod.metadata!.name!;
    const server = net.createServer(socket => {
      socket.on('error', () => socket.destroy());
      this.portForward
        .portForward(namespace, name, [port], socket, null, socket)
        .catch(error => {
          this.logger.warn(
            `Port-forward to ${namespace}/${name}:${port} failed: ${error}`,
          );
          socket.destroy();
        });
    });
    const address = new Promise<EngineAddress>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () =>
        resolve({
          host: '127.0.0.1',
          port: (server.address() as net.AddressInfo).port,
        }),
      );
    });
    this.forwards.set(uid, { server, address });
    return address;
  }
}
