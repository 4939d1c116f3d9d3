import { Client } from 'pg';
import { EngineAddress } from '@basalt/plugin-basalt-node';

/** SQLSTATE of "the database system is starting up" (or shutting down). */
const CANNOT_CONNECT_NOW = '57P03';

/** An account to connect with. */
export interface Login {
  username: string;
  password: string;
}

/** How long to wait for a connection, a query, and a server still starting. */
export interface Timeouts {
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  /**
   * How long to keep trying while the server says it is starting up: a
   * server accepts connections a moment before it takes queries.
   */
  startupWaitMs: number;
}

/**
 * Connects to one database of an instance, runs `use`, and disconnects
 * whatever happens.
 */
export async function withClient<T>(
  address: EngineAddress,
  login: Login,
  options: Timeouts & { database?: string },
  use: (client: Client) => Promise<T>,
): Promise<T> {
  const client = await connect(address, login, options);
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Connects to one database of an instance, waiting up to `startupWaitMs`
 * for a server still starting; the caller ends the client.
 */
export async function connect(
  address: EngineAddress,
  login: Login,
  options: Timeouts & { database?: string; applicationName?: string },
): Promise<Client> {
  const deadline = Date.now() + options.startupWaitMs;
  for (;;) {
    const client = new Client({
      host: address.host,
      port: address.port,
      user: login.username,
      password: login.password,
      database: options.database ?? 'postgres',
      application_name: options.applicationName ?? 'basalt',
      // Basalt's own sessions write even while the primary's writes are
      // locked (a final backup, volume protection): the lock is for
      // clients, and Basalt's steps (e.g. creating an account) must not
      // fail on it.
      options: '-c default_transaction_read_only=off',
      connectionTimeoutMillis: options.connectTimeoutMs,
      query_timeout: options.queryTimeoutMs,
    });
    // A connection lost between queries is reported by the next query;
    // without a listener it would be an uncaught exception.
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      const code = (error as { code?: string }).code;
      if (code !== CANNOT_CONNECT_NOW || Date.now() >= deadline) {
        throw error;
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }
}
