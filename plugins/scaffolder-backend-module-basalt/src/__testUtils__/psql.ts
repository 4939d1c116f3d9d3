import { ClusterResource } from '@basalt/plugin-basalt-common';
import { ChildProcess, execFile, spawn } from 'child_process';
import { readFileSync } from 'fs';
import { promisify } from 'util';

// Debian's PostgreSQL client, beside the servers the tests run.
const PSQL = '/usr/lib/postgresql/15/bin/psql';

/** psql's arguments and environment for SQL on a cluster's primary. */
function invocation(cluster: ClusterResource, sql: string, dbname: string) {
  const [host, port] = cluster.status!.endpoints.readWrite!.split(':');
  const { credentials } = JSON.parse(
    readFileSync(cluster.status!.credentials!.location, 'utf8'),
  );
  return {
    args: ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', dbname, '-c', sql],
    env: {
      ...process.env,
      PGHOST: host,
      PGPORT: port,
      PGUSER: credentials.superuser.username,
      PGPASSWORD: credentials.superuser.password,
      PGCONNECT_TIMEOUT: '10',
    },
  };
}

/**
 * Runs SQL on a cluster's primary, through its read-write endpoint, as the
 * superuser from its credentials file, and returns psql's unaligned,
 * tuples-only output (one row a line, columns separated by `|`).
 */
export async function psql(
  cluster: ClusterResource,
  sql: string,
  dbname = 'postgres',
): Promise<string> {
  const { args, env } = invocation(cluster, sql, dbname);
  const { stdout } = await promisify(execFile)(PSQL, args, {
    env,
    timeout: 30_000,
  });
  return stdout.trim();
}

/**
 * Starts psql running SQL on a cluster's primary and leaves it running;
 * `dbname` may be a connection string, e.g. to open a replication
 * connection. The caller kills the process.
 */
export function psqlInBackground(
  cluster: ClusterResource,
  sql: string,
  dbname = 'postgres',
): ChildProcess {
  const { args, env } = invocation(cluster, sql, dbname);
  return spawn(PSQL, args, { env, stdio: 'ignore' });
}
