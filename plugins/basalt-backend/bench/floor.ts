import { ChildProcess, execFile, spawn } from 'child_process';
import { chownSync, mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import { promisify } from 'util';
import { engineIds, freePort } from '../src/__testUtils__/processes';

const BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);
const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function acceptsQueries(port: number, password: string): Promise<void> {
  for (;;) {
    const client = new Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password,
      database: 'postgres',
    });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch {
      await new Promise(resolve => setTimeout(resolve, 5));
    } finally {
      await client.end().catch(() => {});
    }
  }
}

function startServer(
  data: string,
  port: number,
  ids: ReturnType<typeof engineIds>,
): ChildProcess {
  return spawn(
    join(BIN, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${data}`,
    ],
    { ...ids, stdio: 'ignore' },
  );
}

/**
 * The floor, measured by hand with the same programs the local runtime
 * runs: a primary (initdb, start, first query) and a replica
 * (pg_basebackup -R, start, first query). Medians of `runs`.
 */
export async function measureFloor(
  dir: string,
  runs: number,
): Promise<{ primary: number; replica: number }> {
  const ids = engineIds();
  const password = 'floor-only';
  const primaries: number[] = [];
  const replicas: number[] = [];
  const servers: ChildProcess[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const base = join(dir, String(i));
      mkdirSync(base, { recursive: true, mode: 0o755 });
      const pwfile = join(base, 'pw');
      writeFileSync(pwfile, password);
      if (ids) {
        chownSync(base, ids.uid, ids.gid);
        chownSync(pwfile, ids.uid, ids.gid);
      }
      const [primaryPort, replicaPort] = [await freePort(), await freePort()];
      let t = performance.now();
      await run(
        join(BIN, 'initdb'),
        [
          '-D',
          join(base, 'p'),
          '-U',
          'postgres',
          '--auth=scram-sha-256',
          `--pwfile=${pwfile}`,
        ],
        { ...ids },
      );
      writeFileSync(
        join(base, 'p', 'pg_hba.conf'),
        'host all all 127.0.0.1/32 scram-sha-256\nhost replication all 127.0.0.1/32 scram-sha-256\n',
      );
      servers.push(startServer(join(base, 'p'), primaryPort, ids));
      await acceptsQueries(primaryPort, password);
      primaries.push(performance.now() - t);

      t = performance.now();
      await run(
        join(BIN, 'pg_basebackup'),
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(primaryPort),
          '-U',
          'postgres',
          '-D',
          join(base, 'r'),
          '-R',
          '-X',
          'stream',
          '-c',
          'fast',
        ],
        { ...ids, env: { PGPASSWORD: password } },
      );
      servers.push(startServer(join(base, 'r'), replicaPort, ids));
      await acceptsQueries(replicaPort, password);
      replicas.push(performance.now() - t);
    }
  } finally {
    servers.forEach(server => server.kill('SIGKILL'));
  }
  return { primary: median(primaries), replica: median(replicas) };
}
