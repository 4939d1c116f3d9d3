import { ChildProcess, execFileSync, spawn } from 'child_process';
import { engineIds, freePort } from './processes';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';

const BIN =
  process.env.BASALT_TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/** A throwaway PostgreSQL server for tests of the store. */
export interface TestPostgres {
  connection: {
    host: string;
    port: number;
    user: string;
    password: string;
    database: string;
  };
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL server in a temporary directory, bound to
 * 127.0.0.1 on a free port. `stop()` kills it and removes the directory;
 * call it in `afterAll` so nothing is left behind even when tests fail.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-test-pg-'));
  chmodSync(dir, 0o755);
  const ids = engineIds();
  const password = 'test-only-password';
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, password, { mode: 0o600 });
  if (ids) {
    chownSync(dir, ids.uid, ids.gid);
    chownSync(pwfile, ids.uid, ids.gid);
  }
  const data = join(dir, 'data');
  execFileSync(
    join(BIN, 'initdb'),
    [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=scram-sha-256',
      `--pwfile=${pwfile}`,
      '-E',
      'UTF8',
      '--no-sync',
    ],
    { ...ids, stdio: 'pipe' },
  );
  const port = await freePort();
  const server: ChildProcess = spawn(
    join(BIN, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dir}`,
      '-c',
      'fsync=off',
    ],
    { ...ids, stdio: 'ignore' },
  );
  const connection = {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    database: 'postgres',
  };
  const stop = async () => {
    if (server.exitCode === null) {
      const exited = new Promise(resolve => server.once('exit', resolve));
      server.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; ; attempt++) {
    const client = new Client(connection);
    try {
      await client.connect();
      await client.end();
      return { connection, stop };
    } catch (error) {
      await client.end().catch(() => {});
      if (attempt > 200 || server.exitCode !== null) {
        await stop();
        throw new Error(`test PostgreSQL did not start: ${error}`);
      }
      await new Promise(resolve => setTimeout(resolve, 25));
    }
  }
}
