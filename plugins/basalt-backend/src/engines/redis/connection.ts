import { createClient } from '@redis/client';
import { EngineAddress } from '@basalt/plugin-basalt-node';

/** How long a session waits to connect, and then for each command. */
export interface Timeouts {
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

/** Who a session logs in as. */
export interface Login {
  username: string;
  password: string;
}

/** One command and its reply, as the server sends it. */
export type RedisReply = unknown;

/**
 * A connection to one instance that runs commands in the server's own
 * words (`['ACL', 'SETUSER', …]`), each within the command timeout.
 */
export interface RedisSession {
  command(args: string[]): Promise<RedisReply>;
}

/** A session kept open by its caller, who closes it. */
export interface OpenSession extends RedisSession {
  close(): Promise<void>;
}

/**
 * Connects to `address` as `login`. The client never reconnects by itself:
 * a failed connection is the caller's to report. Passwords travel only in
 * `AUTH`.
 */
export async function openSession(
  address: EngineAddress,
  login: Login,
  timeouts: Timeouts,
): Promise<OpenSession> {
  const client = createClient({
    socket: {
      host: address.host,
      port: address.port,
      connectTimeout: timeouts.connectTimeoutMs,
      reconnectStrategy: false,
    },
    username: login.username,
    password: login.password,
    disableOfflineQueue: true,
  });
  // Errors also reach the pending command; without a listener the client
  // would throw them as an unhandled 'error' event.
  client.on('error', () => {});
  const close = () => client.disconnect().catch(() => {});
  await withTimeout(
    client.connect(),
    timeouts.connectTimeoutMs,
    `connecting to ${address.host}:${address.port}`,
    close,
  );
  return {
    command: args =>
      withTimeout(
        client.sendCommand(args),
        timeouts.commandTimeoutMs,
        `waiting for ${args[0]} on ${address.host}:${address.port}`,
        close,
      ),
    close,
  };
}

/** Opens a session, runs `use` and closes it, also when `use` rejects. */
export async function withSession<T>(
  address: EngineAddress,
  login: Login,
  timeouts: Timeouts,
  use: (session: RedisSession) => Promise<T>,
): Promise<T> {
  const session = await openSession(address, login, timeouts);
  try {
    return await use(session);
  } finally {
    await session.close();
  }
}

/** `work`, or a rejection naming `what` once `ms` have passed. */
export function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  what: string,
  onTimeout: () => Promise<unknown>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout().catch(() => {});
      reject(new Error(`Timed out after ${ms} ms ${what}`));
    }, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The fields of an `INFO` section (`role:master`, …), by name; comments
 * and blank lines are left out.
 */
export function parseInfo(reply: RedisReply): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of String(reply).split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const separator = line.indexOf(':');
    if (separator > 0) {
      fields[line.slice(0, separator)] = line.slice(separator + 1);
    }
  }
  return fields;
}
