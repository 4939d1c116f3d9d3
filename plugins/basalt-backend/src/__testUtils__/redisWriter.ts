import { ClusterResource } from '@basalt/plugin-basalt-common';
import { readFileSync } from 'fs';
import { OpenSession, openSession } from '../engines/redis/connection';

const TIMEOUTS = { connectTimeoutMs: 5_000, commandTimeoutMs: 5_000 };

const keyOf = (id: number) => `ack:${id}`;

/**
 * Keeps writing one key at a time through a Redis cluster's read-write
 * endpoint, reconnecting whenever its connection breaks. A write counts as
 * acknowledged once `WAIT 1` says a replica has it (`sync`, what no
 * failover may lose) or, with `waitForReplica` off, once `SET` returned.
 */
export class RedisWriter {
  readonly acknowledged: number[] = [];
  #next = 1;
  #running = false;
  #loop?: Promise<void>;
  #session?: OpenSession;

  constructor(
    private readonly cluster: ClusterResource,
    private readonly waitForReplica = true,
  ) {}

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Resolves once `count` more writes were acknowledged. */
  async waitForWrites(count: number, timeoutMs = 30_000): Promise<void> {
    const target = this.acknowledged.length + count;
    const deadline = Date.now() + timeoutMs;
    while (this.acknowledged.length < target) {
      if (Date.now() > deadline) {
        throw new Error(
          `Only ${this.acknowledged.length} of ${target} writes acknowledged within ${timeoutMs} ms`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    await this.#session?.close();
  }

  /** The acknowledged ids whose keys the primary of `cluster` lacks. */
  async missing(cluster: ClusterResource): Promise<number[]> {
    const expected = [...this.acknowledged];
    const session = await this.#connect(cluster);
    try {
      const values = (await session.command([
        'MGET',
        ...expected.map(keyOf),
      ])) as Array<string | null>;
      return expected.filter((_, index) => values[index] === null);
    } finally {
      await session.close();
    }
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        this.#session ??= await this.#connect(this.cluster);
        const id = this.#next++;
        await this.#session.command(['SET', keyOf(id), '1']);
        if (this.waitForReplica) {
          const replicas = await this.#session.command(['WAIT', '1', '1000']);
          if (Number(replicas) < 1) continue;
        }
        this.acknowledged.push(id);
      } catch {
        await this.#session?.close();
        this.#session = undefined;
        await new Promise(resolve => setTimeout(resolve, 10));
      }
    }
  }

  #connect(cluster: ClusterResource): Promise<OpenSession> {
    const [host, port] = cluster.status!.endpoints.readWrite!.split(':');
    const { credentials } = JSON.parse(
      readFileSync(cluster.status!.credentials!.location, 'utf8'),
    );
    return openSession(
      { host, port: Number(port) },
      credentials.superuser,
      TIMEOUTS,
    );
  }
}
