import { ChildProcess, execFileSync, spawn } from 'child_process';
import { createServer } from 'net';
import { join } from 'path';
import { Client, ClientConfig } from 'pg';

/**
 * Ports {@link freePort} picks from. Test files reserve fixed ranges (50 or 100
 * ports each) in 30000-32767. Both stay below the kernel's ephemeral range
 * (32768 and up), where the kernel picks the ports of `listen(0)` and of
 * every outgoing connection: a port there can be taken by a client socket
 * of any test at any moment.
 */
const FREE_PORTS = { from: 20000, to: 29999 };

/** Ports {@link freePort} handed out in this process, never handed out twice. */
const handedOut = new Set<number>();

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now, and that this
 * process was not given before (callers often take several before binding
 * any).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port =
      FREE_PORTS.from +
      Math.floor(Math.random() * (FREE_PORTS.to - FREE_PORTS.from + 1));
    if (!handedOut.has(port) && (await canListen(port))) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(
    `No free port in ${FREE_PORTS.from}-${FREE_PORTS.to} after 100 tries`,
  );
}

function canListen(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
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
