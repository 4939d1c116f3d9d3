import { ClusterResource } from '@basalt/plugin-basalt-common';
import { readFileSync } from 'fs';
import { Client } from 'pg';

/**
 * A client that keeps writing through a cluster's read-write endpoint,
 * one row at a time, reconnecting whenever its connection breaks, and
 * remembers every write that was acknowledged (committed) - what no
 * failover may lose in sync mode.
 */
export class ContinuousWriter {
  readonly acknowledged: number[] = [];
  /** When each write was acknowledged (ms since epoch), in order. */
  readonly acknowledgedAt: number[] = [];
  #next = 1;
  #running = false;
  #loop?: Promise<void>;
  #client?: Client;

  constructor(private readonly cluster: ClusterResource) {}

  async start(): Promise<void> {
    const client = await this.#connect();
    await client.query(
      'create table if not exists acks (id bigint primary key)',
    );
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

  /**
   * The longest time without an acknowledged write since `since` (ms since
   * epoch), up to the last acknowledged one: how long writers waited.
   */
  longestPauseMs(since: number): number {
    let longest = 0;
    let previous = since;
    for (const at of this.acknowledgedAt.filter(t => t >= since)) {
      longest = Math.max(longest, at - previous);
      previous = at;
    }
    return longest;
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    await this.#client?.end().catch(() => {});
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        const client = this.#client ?? (await this.#connect());
        const id = this.#next++;
        await client.query('insert into acks (id) values ($1)', [id]);
        this.acknowledged.push(id);
        this.acknowledgedAt.push(Date.now());
      } catch {
        await this.#client?.end().catch(() => {});
        this.#client = undefined;
        await new Promise(resolve => setTimeout(resolve, 10));
      }
    }
  }

  async #connect(): Promise<Client> {
    const [host, port] = this.cluster.status!.endpoints.readWrite!.split(':');
    const { credentials } = JSON.parse(
      readFileSync(this.cluster.status!.credentials!.location, 'utf8'),
    );
    const client = new Client({
      host,
      port: Number(port),
      user: credentials.superuser.username,
      password: credentials.superuser.password,
      database: 'postgres',
      connectionTimeoutMillis: 10_000,
      query_timeout: 10_000,
    });
    client.on('error', () => {});
    await client.connect();
    this.#client = client;
    return client;
  }
}

/**
 * The ids acknowledged before this call that are missing from the table.
 * The list is copied first: a writer that keeps writing acknowledges more
 * while the query runs, which its snapshot cannot show.
 */
export async function missingWrites(
  client: Client,
  acknowledged: number[],
): Promise<number[]> {
  const expected = [...acknowledged];
  const { rows } = await client.query<{ id: string }>('select id from acks');
  const present = new Set(rows.map(row => Number(row.id)));
  return expected.filter(id => !present.has(id));
}
