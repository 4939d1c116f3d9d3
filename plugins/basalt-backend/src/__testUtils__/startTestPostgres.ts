import { execFileSync } from 'child_process';
import {
  engineIds,
  freePort,
  POSTGRES_BIN,
  startPostgresServer,
  untilPostgresAnswers,
} from './processes';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

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
    join(POSTGRES_BIN, 'initdb'),
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
  const server = startPostgresServer({
    dataDir: data,
    port,
    socketDir: dir,
    extraArgs: ['-c', 'fsync=off'],
  });
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
  try {
    await untilPostgresAnswers(server, connection);
  } catch (error) {
    await stop();
    throw error;
  }
  return { connection, stop };
}
