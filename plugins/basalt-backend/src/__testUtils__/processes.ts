import { ChildProcess, execFileSync, spawn } from 'child_process';
import { createServer } from 'net';
import { join } from 'path';
import { Client, ClientConfig } from 'pg';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: tests use `nobody` when we are root. */
export function engineIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'nobody']).toString());
  return { uid: id('-u'), gid: id('-g') };
}

/** Where the PostgreSQL programs of tests and benchmarks are. */
export const POSTGRES_BIN =
  process.env.BASALT_TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * Starts `postgres` on a data directory, bound to 127.0.0.1 on `port`, as
 * the engine user when we are root.
 */
export function startPostgresServer(options: {
  dataDir: string;
  port: number;
  socketDir: string;
  extraArgs?: string[];
}): ChildProcess {
  return spawn(
    join(POSTGRES_BIN, 'postgres'),
    [
      '-D',
      options.dataDir,
      '-p',
      String(options.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${options.socketDir}`,
      ...(options.extraArgs ?? []),
    ],
    { ...engineIds(), stdio: 'ignore' },
  );
}

/**
 * Resolves once the server answers a query; rejects when it exits first or
 * does not answer within the deadline.
 */
export async function untilPostgresAnswers(
  server: ChildProcess,
  connection: ClientConfig,
  options: { pollMs: number; timeoutMs?: number } = { pollMs: 25 },
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const client = new Client(connection);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline || server.exitCode !== null) {
        throw new Error(`PostgreSQL did not start: ${error}`);
      }
      await new Promise(resolve => setTimeout(resolve, options.pollMs));
    } finally {
      await client.end().catch(() => {});
    }
  }
}
