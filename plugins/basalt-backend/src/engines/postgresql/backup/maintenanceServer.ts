import fs from 'node:fs/promises';
import path from 'node:path';
import { CustomErrorBase } from '@backstage/errors';
import { EngineHost } from '@basalt/plugin-basalt-node';
import { shellQuote } from '../configuration';
import { lastLines } from '../../clientTool';

/** A restore could not recover the data or prepare it for Basalt. */
export class RestoreError extends CustomErrorBase {
  name = 'RestoreError' as const;
}

/** Runs SQL as the superuser on a maintenance server, from a file. */
export type RunSql = (sql: string) => Promise<void>;

// Recovery replays however much archived WAL there is; hours are possible.
const START_WAIT_SECONDS = 6 * 60 * 60;
const STOP_WAIT_SECONDS = 10 * 60;
const RECOVERY_POLL_MS = 200;
// What a server still recovering (or just stopped) answers.
const NOT_YET =
  /not accepting connections|starting up|shutting down|No such file or directory|Connection refused/;

/**
 * Starts the instance's server for maintenance, reachable only through a
 * Unix socket in a private directory (no TCP, and only the engine's user
 * and the runtime can enter that directory) where any role may log in
 * without a password: the data may come from a backup, whose passwords
 * Basalt does not know. Without hot standby the server takes connections
 * only once recovery has completed, which is awaited. Calls `use`, then
 * stops the server whatever happened.
 * Rejects with {@link RestoreError} and the last lines of the server's
 * log when the server does not come up (e.g. a recovery target that the
 * archived WAL does not reach).
 */
export async function withMaintenanceServer<T>(
  host: EngineHost,
  superuser: string,
  use: (runSql: RunSql) => Promise<T>,
): Promise<T> {
  return host.withPrivateDir(dir =>
    host.withSecretFile('local all all trust\n', async hbaFile => {
      const logFile = path.join(dir, 'server.log');
      try {
        await startServer(host, dir, hbaFile, logFile);
        await untilRecovered(host, dir, superuser);
      } catch (error) {
        await stopServer(host);
        throw await startFailure(error, logFile);
      }
      try {
        return await use(sql => runSql(host, dir, superuser, sql));
      } finally {
        await stopServer(host);
      }
    }),
  );
}

async function startServer(
  host: EngineHost,
  socketDir: string,
  hbaFile: string,
  logFile: string,
): Promise<void> {
  const settings: Record<string, string> = {
    listen_addresses: '',
    unix_socket_directories: socketDir,
    unix_socket_permissions: '0700',
    hba_file: hbaFile,
    // Without hot standby, the server takes connections only once recovery
    // is complete, which is what pg_ctl -w waits for.
    hot_standby: 'off',
    // Nothing of a restore is archived: the restored cluster's own WAL
    // starts when it runs for real.
    archive_mode: 'off',
    default_transaction_read_only: 'off',
  };
  // pg_ctl hands -o to a shell: every word is quoted.
  const serverOptions = Object.entries(settings)
    .flatMap(([name, value]) => ['-c', `${name}=${value}`])
    .map(shellQuote)
    .join(' ');
  await host.exec(
    'pg_ctl',
    [
      'start',
      `--pgdata=${host.dataDir}`,
      '--wait',
      `--timeout=${START_WAIT_SECONDS}`,
      `--log=${logFile}`,
      `--options=${serverOptions}`,
    ],
    { timeoutMs: (START_WAIT_SECONDS + 60) * 1000 },
  );
}

/**
 * Waits until the server takes connections. `pg_ctl start --wait` returns
 * as soon as archive recovery begins (the server then reports itself as a
 * standby), long before it ends; a server that gives up on recovery exits.
 */
async function untilRecovered(
  host: EngineHost,
  socketDir: string,
  superuser: string,
): Promise<void> {
  const deadline = Date.now() + START_WAIT_SECONDS * 1000;
  for (;;) {
    try {
      await host.exec('psql', [
        ...psqlConnection(host, socketDir, superuser),
        '--command=select 1',
      ]);
      return;
    } catch (error) {
      if (!NOT_YET.test((error as Error).message)) throw error;
    }
    if (!(await isRunning(host))) {
      throw new RestoreError('PostgreSQL stopped during recovery');
    }
    if (Date.now() > deadline) {
      throw new RestoreError(
        `PostgreSQL did not complete recovery within ${START_WAIT_SECONDS} s`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, RECOVERY_POLL_MS));
  }
}

async function isRunning(host: EngineHost): Promise<boolean> {
  // `pg_ctl status` exits with 3 when no server runs on the data directory.
  return host.exec('pg_ctl', ['status', `--pgdata=${host.dataDir}`]).then(
    () => true,
    () => false,
  );
}

/** Stops the maintenance server if it runs, quickly if it will not stop. */
async function stopServer(host: EngineHost): Promise<void> {
  if (!(await host.fileExists('postmaster.pid'))) return;
  for (const mode of ['fast', 'immediate']) {
    try {
      await host.exec(
        'pg_ctl',
        [
          'stop',
          `--pgdata=${host.dataDir}`,
          `--mode=${mode}`,
          '--wait',
          `--timeout=${STOP_WAIT_SECONDS}`,
        ],
        { timeoutMs: (STOP_WAIT_SECONDS + 60) * 1000 },
      );
      return;
    } catch {
      // Not running after all, or not stopping: try harder, then give up
      // (the runtime kills what is left when it discards the instance).
    }
  }
}

function runSql(
  host: EngineHost,
  socketDir: string,
  superuser: string,
  sql: string,
): Promise<void> {
  // A file rather than -c: the SQL holds password verifiers, which must
  // not show in the process list.
  return host.withSecretFile(sql, async file => {
    await host.exec('psql', [
      ...psqlConnection(host, socketDir, superuser),
      '--set=ON_ERROR_STOP=1',
      `--file=${file}`,
    ]);
  });
}

function psqlConnection(
  host: EngineHost,
  socketDir: string,
  superuser: string,
): string[] {
  return [
    '--no-psqlrc',
    '--quiet',
    '--no-password',
    `--host=${socketDir}`,
    `--port=${host.address.port}`,
    `--username=${superuser}`,
    '--dbname=postgres',
  ];
}

async function startFailure(error: unknown, logFile: string) {
  // The log is in the private directory, on this host for the local
  // runtime; elsewhere only pg_ctl's own message is available.
  const log = await fs.readFile(logFile, 'utf8').catch(() => '');
  const tail = lastLines(log, 15);
  return new RestoreError(
    `PostgreSQL did not complete recovery of the restored data${
      tail ? `; last lines of its log:\n${tail}` : ''
    }`,
    error,
  );
}
