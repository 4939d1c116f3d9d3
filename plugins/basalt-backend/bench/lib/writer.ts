import { Client } from 'pg';
import { Connection } from './cluster';
import { pollUntil, sleep } from './time';

/** One INSERT the server acknowledged (committed). */
export interface Ack {
  id: number;
  /** performance.now() when the INSERT was sent and when its answer came. */
  sentAt: number;
  at: number;
  /** The port of the server that committed it (`inet_server_port()`). */
  serverPort: number;
  /** performance.now() when the connection it went over was opened. */
  connectedAt: number;
}

const RETRY_MS = 10;

/**
 * The measuring client: inserts sequential ids into `acks`, one at a time,
 * through the read-write endpoint, and records every acknowledged one. On
 * any error it drops the connection and reconnects every 10 ms until a
 * write succeeds again, as an application with a retry loop would. Ids are
 * never reused, so an INSERT whose outcome is unknown (the connection broke
 * before its answer) cannot collide with a later one.
 */
export class AckWriter {
  readonly acks: Ack[] = [];
  /** The latest errors (performance.now() and message), oldest first. */
  readonly errors: { at: number; message: string }[] = [];
  private nextId = 1;
  private stopped = false;
  private client?: Client;
  private loop?: Promise<void>;

  constructor(private readonly connection: Connection) {}

  /** Creates the `acks` table (once per cluster). */
  static async createTable(connection: Connection): Promise<void> {
    const client = new Client(connection);
    try {
      await client.connect();
      await client.query(
        'CREATE TABLE IF NOT EXISTS acks (id bigint PRIMARY KEY, at timestamptz DEFAULT now())',
      );
    } finally {
      await client.end().catch(() => {});
    }
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.client?.end().catch(() => {});
    await this.loop;
  }

  /** The ids acknowledged so far. */
  ackedIds(): number[] {
    return this.acks.map(ack => ack.id);
  }

  /** The last ack before `time`, if any. */
  lastAckBefore(time: number): Ack | undefined {
    for (let i = this.acks.length - 1; i >= 0; i--) {
      if (this.acks[i].at < time) return this.acks[i];
    }
    return undefined;
  }

  /** The first ack (already seen or still to come) that `matches`, within `timeoutMs`. */
  async firstAck(
    matches: (ack: Ack) => boolean,
    options: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<Ack | undefined> {
    let checked = 0;
    return pollUntil(
      () => {
        for (; checked < this.acks.length; checked++) {
          if (matches(this.acks[checked])) return this.acks[checked];
        }
        return undefined;
      },
      { ...options, pollMs: 2 },
    );
  }

  /** The errors between `from` and `to`: how many, and the last one's message. */
  errorsBetween(from: number, to: number): { count: number; last?: string } {
    const within = this.errors.filter(e => e.at >= from && e.at <= to);
    return { count: within.length, last: within[within.length - 1]?.message };
  }

  private recordError(error: unknown): void {
    this.errors.push({ at: performance.now(), message: String(error) });
    if (this.errors.length > 2000) this.errors.splice(0, 1000);
  }

  private async run(): Promise<void> {
    let connectedAt = 0;
    while (!this.stopped) {
      if (!this.client) {
        const client = new Client({
          ...this.connection,
          // The endpoint may hold a new connection while it has no primary.
          connectionTimeoutMillis: 6000,
          query_timeout: 10_000,
        });
        client.on('error', () => {}); // a broken connection; the next query says so
        const openedAt = performance.now();
        try {
          await client.connect();
          this.client = client;
          connectedAt = openedAt;
        } catch (error) {
          this.recordError(error);
          await client.end().catch(() => {});
          await sleep(RETRY_MS);
          continue;
        }
      }
      const id = this.nextId++;
      const sentAt = performance.now();
      try {
        const { rows } = await this.client.query<{ port: number }>(
          'INSERT INTO acks (id) VALUES ($1) RETURNING inet_server_port() AS port',
          [id],
        );
        this.acks.push({
          id,
          sentAt,
          at: performance.now(),
          serverPort: rows[0].port,
          connectedAt,
        });
      } catch (error) {
        // Lost connection, a read-only server, a timeout: start over.
        if (this.stopped) break;
        this.recordError(error);
        const broken = this.client;
        this.client = undefined;
        broken.end().catch(() => {});
        await sleep(RETRY_MS);
      }
    }
  }
}

/**
 * The acknowledged `ids` the cluster no longer has, read through the
 * read-write endpoint.
 */
export async function missingIds(
  connection: Connection,
  ids: number[],
  signal?: AbortSignal,
): Promise<number[]> {
  // Right after Ready the endpoint may still drop a connection: retry a while.
  const deadline = performance.now() + 10_000;
  for (;;) {
    const client = new Client({ ...connection, connectionTimeoutMillis: 6000 });
    client.on('error', () => {});
    try {
      await client.connect();
      const { rows } = await client.query<{ id: string }>(
        'SELECT id FROM acks',
      );
      const present = new Set(rows.map(row => Number(row.id)));
      return ids.filter(id => !present.has(id));
    } catch (error) {
      if (performance.now() > deadline) {
        throw new Error(`Could not read acks through the endpoint: ${error}`);
      }
      await sleep(100, signal);
    } finally {
      await client.end().catch(() => {});
    }
  }
}
