import { ClusterResource } from '@basalt/plugin-basalt-common';
import {
  OpenSession,
  openSession,
  parseInfo,
} from '../../src/engines/redis/connection';
import { readCredentials } from './credentials';

/** One write the cluster acknowledged. */
export interface RedisAck {
  id: number;
  /** performance.now() when its answer came. */
  at: number;
  /** The port of the server that took it. */
  serverPort: number;
}

const TIMEOUTS = { connectTimeoutMs: 1_000, commandTimeoutMs: 2_000 };

/**
 * The measuring client for Redis: `SET ack:<id>` one at a time through the
 * read-write endpoint, reconnecting every 10 ms after any error, as an
 * application with a retry loop would. With `sync`, a write counts once
 * `WAIT 1` says a replica has it, which is what Redis's `sync` promises not
 * to lose.
 */
export class RedisAckWriter {
  readonly acks: RedisAck[] = [];
  private nextId = 1;
  private stopped = false;
  private loop?: Promise<void>;
  private session?: OpenSession;
  private port = 0;

  constructor(
    private readonly cluster: ClusterResource,
    private readonly sync: boolean,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.session?.close();
  }

  /** The first ack after `time` (performance.now()), once it came. */
  firstAckAfter(time: number, port?: number): RedisAck | undefined {
    return this.acks.find(
      ack => ack.at > time && (port === undefined || ack.serverPort !== port),
    );
  }

  /** Acknowledged ids whose keys the cluster's primary lacks. */
  async missing(cluster: ClusterResource): Promise<number[]> {
    const ids = this.acks.map(ack => ack.id);
    const session = await this.connect(cluster);
    try {
      const values = (await session.command([
        'MGET',
        ...ids.map(id => `ack:${id}`),
      ])) as Array<string | null>;
      return ids.filter((_, index) => values[index] === null);
    } finally {
      await session.close();
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.session) {
          this.session = await this.connect(this.cluster);
          this.port = Number(
            parseInfo(await this.session.command(['INFO', 'server'])).tcp_port,
          );
        }
        const id = this.nextId++;
        await this.session.command(['SET', `ack:${id}`, '1']);
        if (
          this.sync &&
          Number(await this.session.command(['WAIT', '1', '200'])) < 1
        ) {
          continue;
        }
        this.acks.push({ id, at: performance.now(), serverPort: this.port });
      } catch {
        await this.session?.close();
        this.session = undefined;
        await new Promise(resolve => setTimeout(resolve, 10));
      }
    }
  }

  private connect(cluster: ClusterResource): Promise<OpenSession> {
    const [host, port] = cluster.status!.endpoints.readWrite!.split(':');
    const { username, password } = readCredentials(
      cluster.status!.credentials!.location,
    );
    return openSession(
      { host, port: Number(port) },
      { username, password },
      TIMEOUTS,
    );
  }
}
