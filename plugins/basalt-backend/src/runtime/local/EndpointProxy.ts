import net from 'node:net';
import { LoggerService } from '@backstage/backend-plugin-api';
import { EndpointTargets, EngineAddress } from '@basalt/plugin-basalt-node';
import { sameAddress } from '../addresses';

type Side = 'readWrite' | 'readOnly';

/** Options of {@link EndpointProxy.listen}. */
export interface EndpointProxyOptions {
  /**
   * How long a connection that arrives while its endpoint has no target
   * (e.g. during a failover, between the old primary leaving and the new one
   * arriving) waits for one before it is closed. 0 closes it at once.
   * Default 5000 ms.
   */
  holdMs?: number;
}

/** The default of {@link EndpointProxyOptions.holdMs}. */
const DEFAULT_HOLD_MS = 5000;

/**
 * What a held connection may send before the proxy stops reading from it;
 * past this the client waits on TCP back-pressure instead of our memory.
 */
const MAX_HELD_BYTES = 64 * 1024;

interface Connection {
  side: Side;
  target: EngineAddress;
  client: net.Socket;
  upstream: net.Socket;
}

/** A connection waiting for its side to get a target. */
interface Held {
  side: Side;
  client: net.Socket;
  /** What the client sent meanwhile, in order. */
  chunks: Buffer[];
  /** Stops waiting: clears the deadline and the listeners, leaves the queue. */
  release: () => void;
}

/**
 * The client's own address, to connect to a loopback target from, when both
 * are IPv4 loopback addresses (Linux lets any 127/8 address be a source).
 * The engine then sees the client's address rather than the proxy's, so its
 * own access rules (PostgreSQL's pg_hba.conf, from the profile's allowed
 * networks) apply to the client through the endpoint too.
 */
function loopbackSource(
  client: net.Socket,
  target: EngineAddress,
): string | undefined {
  const address = client.remoteAddress?.replace(/^::ffff:/, '');
  const loopback = (host?: string) =>
    !!host && net.isIPv4(host) && host.startsWith('127.');
  // 127.0.0.1 is the source Linux picks for any loopback target anyway;
  // leaving it to connect() spares binding a port before connecting.
  return address !== '127.0.0.1' && loopback(address) && loopback(target.host)
    ? address
    : undefined;
}

/**
 * One cluster's stable endpoints: two TCP listeners that forward each
 * connection to the current primary (read-write) or, round-robin, to one of
 * the read-only targets. Re-pointing keeps the listeners and closes only the
 * connections to targets that were dropped, so clients of a former primary
 * reconnect to the new one. A connection that arrives while its side has no
 * target is held for up to `holdMs` and forwarded as soon as one is set, so
 * a client connecting during a failover sees a slow connect, not a refusal.
 * Connections keep their client's loopback source address (see
 * `loopbackSource`).
 */
export class EndpointProxy {
  private readonly connections = new Set<Connection>();
  /** In arrival order, which is the order they are forwarded in. */
  private readonly held = new Set<Held>();
  private targets: EndpointTargets = { readOnly: [] };
  private nextReadOnly = 0;
  private boundPorts: Record<Side, number>;
  private closed = false;

  private constructor(
    private readonly servers: Record<Side, net.Server>,
    requestedPorts: Record<Side, number>,
    private readonly holdMs: number,
  ) {
    this.boundPorts = { ...requestedPorts };
  }

  /**
   * Listens on both ports of `host`; fails if either is taken. A port of 0
   * lets the system choose; {@link EndpointProxy.ports} tells which.
   */
  static async listen(
    host: string,
    ports: Record<Side, number>,
    logger: LoggerService,
    options: EndpointProxyOptions = {},
  ): Promise<EndpointProxy> {
    const servers = {
      readWrite: net.createServer(),
      readOnly: net.createServer(),
    };
    const holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
    const proxy = new EndpointProxy(servers, ports, holdMs);
    try {
      await Promise.all(
        (['readWrite', 'readOnly'] as const).map(side => {
          servers[side].on('connection', socket => proxy.accept(side, socket));
          return listen(servers[side], host, ports[side]).then(() => {
            proxy.boundPorts[side] = (
              servers[side].address() as net.AddressInfo
            ).port;
            // e.g. EMFILE while accepting: the listener itself stays up.
            servers[side].on('error', error =>
              logger.warn(
                `Endpoint ${host}:${proxy.boundPorts[side]} failed to accept a connection`,
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

  /** The ports listened on. */
  get ports(): Record<Side, number> {
    return { ...this.boundPorts };
  }

  /** How many connections are waiting for a target. */
  get heldConnections(): number {
    return this.held.size;
  }

  /**
   * Points the endpoints at new targets: closes the connections to targets
   * that were dropped and forwards the held connections that now have one.
   */
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
    for (const held of [...this.held]) {
      const target = this.pick(held.side);
      if (target) {
        held.release();
        this.forward(held.side, held.client, target, held.chunks);
      }
    }
  }

  /** Stops listening and closes every forwarded and held connection. */
  async close(): Promise<void> {
    this.closed = true;
    for (const held of [...this.held]) {
      held.release();
      held.client.destroy();
    }
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
    const target = this.closed ? undefined : this.pick(side);
    if (target) {
      this.forward(side, client, target, []);
    } else if (this.holdMs > 0 && !this.closed) {
      this.hold(side, client);
    } else {
      client.destroy();
    }
  }

  /**
   * Keeps a connection that has nowhere to go yet. It is read into a buffer
   * rather than left paused, because a paused socket does not report that
   * its client has gone, and a held connection must then be forgotten.
   */
  private hold(side: Side, client: net.Socket): void {
    const held: Held = { side, client, chunks: [], release: () => {} };
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      held.chunks.push(chunk);
      bytes += chunk.length;
      if (bytes >= MAX_HELD_BYTES) {
        client.pause(); // the deadline still ends it if the client goes
      }
    };
    // On the deadline, an error, or the client ending: one that ends while
    // held has given up, and nothing would be there to answer it.
    const drop = () => {
      held.release();
      client.destroy();
    };
    const timer = setTimeout(drop, this.holdMs);
    held.release = () => {
      clearTimeout(timer);
      client.off('data', onData);
      client.off('end', drop);
      client.off('error', drop);
      client.off('close', drop);
      this.held.delete(held);
    };
    client.setNoDelay(true);
    client.on('data', onData);
    client.once('end', drop);
    client.once('error', drop);
    client.once('close', drop);
    this.held.add(held);
  }

  /** Pipes `client` to `target`, after what it sent while held. */
  private forward(
    side: Side,
    client: net.Socket,
    target: EngineAddress,
    chunks: Buffer[],
  ): void {
    const upstream = net.connect({
      host: target.host,
      port: target.port,
      localAddress: loopbackSource(client, target),
    });
    const connection: Connection = { side, target, client, upstream };
    this.connections.add(connection);
    // A refused or failed upstream (e.g. the target just died) closes the
    // client at once, so it reconnects rather than waits.
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
    // Written before the pipe starts, so they reach the target first; the
    // socket queues them until it is connected.
    for (const chunk of chunks) {
      upstream.write(chunk);
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
