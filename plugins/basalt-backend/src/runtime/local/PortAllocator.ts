import net from 'node:net';
import { InputError, ServiceUnavailableError } from '@backstage/errors';

/** An inclusive range of TCP ports. */
export interface PortRange {
  from: number;
  to: number;
}

/**
 * Hands out TCP ports on 127.0.0.1 from a range: the lowest port that no
 * instance or endpoint has recorded and that can actually be bound right now
 * (something outside Basalt may hold it).
 */
export class PortAllocator {
  // Handed out but perhaps not yet recorded on disk by the caller.
  private readonly reserved = new Set<number>();

  constructor(
    private readonly range: PortRange,
    private readonly recordedPorts: () => Promise<Iterable<number>>,
    private readonly host: string = '127.0.0.1',
  ) {
    const valid = (port: number) =>
      Number.isInteger(port) && port > 0 && port < 65536;
    if (!valid(range.from) || !valid(range.to) || range.from > range.to) {
      throw new InputError(
        `Invalid port range ${range.from}-${range.to}: give 1 <= from <= to <= 65535`,
      );
    }
  }

  /** Reserves and returns a free port. */
  async allocate(): Promise<number> {
    const taken = new Set([...(await this.recordedPorts()), ...this.reserved]);
    for (let port = this.range.from; port <= this.range.to; port++) {
      if (!taken.has(port) && (await isBindable(port, this.host))) {
        // Checked again in case a concurrent allocate() took it meanwhile.
        if (!this.reserved.has(port)) {
          this.reserved.add(port);
          return port;
        }
      }
    }
    throw new ServiceUnavailableError(
      `No free port left in ${this.range.from}-${this.range.to} on ${this.host}`,
    );
  }

  /** Returns a port that is no longer used. */
  release(port: number): void {
    this.reserved.delete(port);
  }
}

/** Whether a port can be listened on right now. */
export function isBindable(port: number, host: string): Promise<boolean> {
  return new Promise(resolve => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}
