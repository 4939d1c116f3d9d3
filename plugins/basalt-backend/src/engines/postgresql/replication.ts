import { EngineAddress, EngineHost } from '@basalt/plugin-basalt-node';
import { quote } from './configuration';
import { Login, Timeouts, withClient } from './connection';

/** Quotes a value for a libpq connection string. */
function conninfoValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The `primary_conninfo` of a replica streaming from `primary` as the
 * replication account; `application_name` names the replica, so the
 * primary's `pg_stat_replication` and synchronous quorum can tell them
 * apart.
 */
export function primaryConninfo(
  primary: EngineAddress,
  replication: Login,
  applicationName: string,
): string {
  return [
    `host=${conninfoValue(primary.host)}`,
    `port=${primary.port}`,
    `user=${conninfoValue(replication.username)}`,
    `password=${conninfoValue(replication.password)}`,
    `application_name=${conninfoValue(applicationName)}`,
  ].join(' ');
}

/** `postgresql.auto.conf` of a replica: Basalt's recovery settings only. */
export function renderStandbySettings(conninfo: string): string {
  return [
    '# Written by Basalt: where this replica streams from.',
    `primary_conninfo = ${quote(conninfo)}`,
    "recovery_target_timeline = 'latest'",
    '',
  ].join('\n');
}

/** How often a promotion in progress is checked. */
const PROMOTION_POLL_MS = 5;

/**
 * Promotes a replica to primary and waits until it accepts writes.
 * PostgreSQL replays everything the replica received first, so nothing
 * it received is lost. The wait is ours, not `pg_promote`'s: its own checks
 * come 100 ms apart, which would add up to 100 ms to every failover.
 */
export async function promote(
  address: EngineAddress,
  superuser: Login,
  timeouts: Timeouts,
  waitSeconds: number,
): Promise<void> {
  await withClient(address, superuser, timeouts, async client => {
    await client.query('select pg_catalog.pg_promote(false)');
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const { rows } = await client.query<{ recovery: boolean }>(
        'select pg_catalog.pg_is_in_recovery() as recovery',
      );
      if (!rows[0].recovery) return;
      if (Date.now() > deadline) {
        throw new Error(
          `PostgreSQL did not finish promoting within ${waitSeconds} s`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, PROMOTION_POLL_MS));
    }
  });
}

/**
 * Points a running replica at another primary without restarting it:
 * PostgreSQL 13+ applies a changed `primary_conninfo` on reload.
 */
export async function follow(
  address: EngineAddress,
  superuser: Login,
  timeouts: Timeouts,
  conninfo: string,
): Promise<void> {
  await withClient(address, superuser, timeouts, async client => {
    await client.query(
      `alter system set primary_conninfo = ${client.escapeLiteral(conninfo)}`,
    );
    await client.query('select pg_catalog.pg_reload_conf()');
  });
}

/**
 * Turns a stopped instance's data into a replica of `primary`. A former
 * primary (no `standby.signal`) may have written WAL the new primary never
 * saw, so it is first rewound to the point where their histories split
 * (pg_rewind, possible because `wal_log_hints` is on); pg_rewind copies
 * the source's configuration files, which the caller writes again after.
 */
export async function prepareStandby(
  host: EngineHost,
  options: {
    primary: EngineAddress;
    superuser: Login;
    conninfo: string;
    wasStandby: boolean;
  },
): Promise<string[]> {
  const done: string[] = [];
  if (!options.wasStandby) {
    const { primary, superuser } = options;
    await host.exec(
      'pg_rewind',
      [
        `--target-pgdata=${host.dataDir}`,
        `--source-server=host=${conninfoValue(primary.host)} port=${
          primary.port
        } user=${conninfoValue(superuser.username)} dbname=postgres`,
      ],
      { env: { PGPASSWORD: superuser.password }, timeoutMs: 10 * 60_000 },
    );
    done.push('rewound to the new primary with pg_rewind');
  }
  await host.writeFile(
    'postgresql.auto.conf',
    renderStandbySettings(options.conninfo),
  );
  await host.writeFile('standby.signal', '');
  return done;
}

/**
 * `spec.ha.replication: sync` on the primary: a commit is acknowledged once
 * at least one replica has it on disk too, so the most advanced replica,
 * which a failover promotes, has every acknowledged write. Any replica
 * counts (a quorum of one), so losing one replica of several does not
 * stop writes. Switched on only while a replica streams, or creating the
 * cluster's own accounts would wait forever. Returns whether it changed.
 */
export async function ensureSynchronousCommit(
  primary: EngineAddress,
  superuser: Login,
  timeouts: Timeouts,
  synchronous: boolean,
): Promise<boolean> {
  const wanted = synchronous ? 'ANY 1 (*)' : '';
  return withClient(primary, superuser, timeouts, async client => {
    const { rows } = await client.query<{ names: string }>(
      "select current_setting('synchronous_standby_names') as names",
    );
    if (rows[0]?.names === wanted) return false;
    await client.query(
      `alter system set synchronous_standby_names = ${client.escapeLiteral(
        wanted,
      )}`,
    );
    await client.query('select pg_catalog.pg_reload_conf()');
    return true;
  });
}
