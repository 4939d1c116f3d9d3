import net from 'node:net';
import { LoggerService } from '@backstage/backend-plugin-api';
import { EndpointTargets, EngineAddress } from '@basalt/plugin-basalt-node';

type Side = 'readWrite' | 'readOnly';

interface Connection {
  side: Side;
  target: EngineAddress;
  client: net.Socket;
  upstream: net.Socket;
}

const sameAddress = (a?: EngineAddress, b?: EngineAddress) =>
  a?.host === b?.host && a?.port === b?.port;

/**
 * One cluster's stable endpoints: two TCP listeners that forward each
 * connection to the current primary (read-write) or, round-robin, to one of
 * the read-only targets. Re-pointing keeps the listeners and closes only the
 * connections to targets that were dropped, so clients of a former primary
 * reconnect to the new one.
 */
export class EndpointProxy {
  private readonly connections = new Set<Connection>();
  private targets: EndpointTargets = { readOnly: [] };
  private nextReadOnly = 0;

  private constructor(
    private readonly servers: Record<Side, net.Server>,
    readonly ports: Record<Side, number>,
  ) {}

  /** Listens on both ports of `host`; fails if either is taken. */
  static async listen(
    host: string,
    ports: Record<Side, number>,
    logger: LoggerService,
  ): Promise<EndpointProxy> {
    const servers = {
      readWrite: net.createServer(),
      readOnly: net.createServer(),
    };
    const proxy = new EndpointProxy(servers, ports);
    try {
      await Promise.all(
        (['readWrite', 'readOnly'] as const).map(side => {
          servers[side].on('connection', socket => proxy.accept(side, socket));
          return listen(servers[side], host, ports[side]).then(() => {
            // e.g. EMFILE while accepting: the listener itself stays up.
            servers[side].on('error', error =>
              logger.warn(
                `Endpoint ${host}:${ports[side]} failed to accept a connection`,
                error,
              ),
            );
          });
        }),
      );
    } catch (error) {
      await proxy.close();
      throw error;
    }
    return proxy;
  }

  /** Points the endpoints at new targets. */
  retarget(targets: EndpointTargets): void {
    this.targets = {
      readWrite: targets.readWrite,
      readOnly: [...targets.readOnly],
    };
    for (const connection of this.connections) {
      const kept =
        connection.side === 'readWrite'
          ? sameAddress(connection.target, targets.readWrite)
          : targets.readOnly.some(t => sameAddress(t, connection.target));
      if (!kept) {
        connection.client.destroy();
        connection.upstream.destroy();
      }
    }
  }

  /** Stops listening and closes every forwarded connection. */
  async close(): Promise<void> {
    for (const { client, upstream } of this.connections) {
      client.destroy();
      upstream.destroy();
    }
    await Promise.all(
      Object.values(this.servers).map(
        server =>
          new Promise<void>(resolve =>
            server.listening ? server.close(() => resolve()) : resolve(),
          ),
      ),
    );
  }

  private accept(side: Side, client: net.Socket): void {
    const target = this.pick(side);
    if (!target) {
      client.destroy(); // nothing to forward to, e.g. during a failover
      return;
    }
    const upstream = net.connect({ host: target.host, port: target.port });
    const connection: Connection = { side, target, client, upstream };
    this.connections.add(connection);
    const close = () => {
      this.connections.delete(connection);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.once('error', close);
      socket.once('close', close);
    }
    client.pipe(upstream).pipe(client);
  }

  private pick(side: Side): EngineAddress | undefined {
    if (side === 'readWrite') {
      return this.targets.readWrite;
    }
    const { readOnly } = this.targets;
    if (readOnly.length === 0) {
      return undefined;
    }
    const target = readOnly[this.nextReadOnly % readOnly.length];
    this.nextReadOnly = (this.nextReadOnly + 1) % readOnly.length;
    return target;
  }
}

function listen(server: net.Server, host: string, port: number) {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
