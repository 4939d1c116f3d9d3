import { ChildProcess, execFile } from 'child_process';
import { chownSync, mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';
import {
  engineIds,
  freePort,
  POSTGRES_BIN,
  startPostgresServer,
  untilPostgresAnswers,
} from '../src/__testUtils__/processes';
import { median } from './lib/stats';

const run = promisify(execFile);
const PASSWORD = 'floor-only';

const connectionTo = (port: number) => ({
  host: '127.0.0.1',
  port,
  user: 'postgres',
  password: PASSWORD,
  database: 'postgres',
});

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
  const password = PASSWORD;
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
        join(POSTGRES_BIN, 'initdb'),
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
      const primary = startPostgresServer({
        dataDir: join(base, 'p'),
        port: primaryPort,
        socketDir: join(base, 'p'),
      });
      servers.push(primary);
      await untilPostgresAnswers(primary, connectionTo(primaryPort), {
        pollMs: 5,
      });
      primaries.push(performance.now() - t);

      t = performance.now();
      await run(
        join(POSTGRES_BIN, 'pg_basebackup'),
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
      const replica = startPostgresServer({
        dataDir: join(base, 'r'),
        port: replicaPort,
        socketDir: join(base, 'r'),
      });
      servers.push(replica);
      await untilPostgresAnswers(replica, connectionTo(replicaPort), {
        pollMs: 5,
      });
      replicas.push(performance.now() - t);
    }
  } finally {
    servers.forEach(server => server.kill('SIGKILL'));
  }
  return { primary: median(primaries), replica: median(replicas) };
}
