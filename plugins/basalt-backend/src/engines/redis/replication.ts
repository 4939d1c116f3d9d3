import { EngineAddress } from '@basalt/plugin-basalt-node';
import { parseInfo, RedisSession } from './connection';

/**
 * Makes a replica the primary: `REPLICAOF NO ONE`, which Redis runs after
 * everything the replica has read (one thread applies the stream in order),
 * then writes the role into redis.conf so that a restart keeps it.
 */
export async function promote(session: RedisSession): Promise<void> {
  await session.command(['REPLICAOF', 'NO', 'ONE']);
  await session.command(['CONFIG', 'REWRITE']);
  const info = parseInfo(await session.command(['INFO', 'replication']));
  if (info.role !== 'master') {
    throw new Error(`still a ${info.role} after REPLICAOF NO ONE`);
  }
}

/**
 * Points a running instance at `primary` (where it reaches it) with the
 * replication login, and writes that into redis.conf. Redis resynchronizes
 * partially when the new primary's history contains the replica's, and
 * otherwise copies it whole, dropping what the replica had that the
 * primary never saw.
 */
export async function follow(
  session: RedisSession,
  primary: EngineAddress,
  replication: { username: string; password: string },
): Promise<void> {
  await session.command(['CONFIG', 'SET', 'masteruser', replication.username]);
  await session.command(['CONFIG', 'SET', 'masterauth', replication.password]);
  await session.command(['REPLICAOF', primary.host, String(primary.port)]);
  await session.command(['CONFIG', 'REWRITE']);
}

/** Within this many seconds a replica must have acknowledged, in `sync`. */
export const MIN_REPLICAS_MAX_LAG_SECONDS = 10;

/**
 * `sync` for Redis: the primary takes writes only while at least one
 * replica acknowledged the stream within the last
 * {@link MIN_REPLICAS_MAX_LAG_SECONDS}. Resolves with whether anything
 * changed; kept in redis.conf across restarts.
 */
export async function ensureMinReplicas(
  session: RedisSession,
  synchronous: boolean,
): Promise<boolean> {
  const wanted = synchronous ? '1' : '0';
  const [, current] = (await session.command([
    'CONFIG',
    'GET',
    'min-replicas-to-write',
  ])) as string[];
  if (current === wanted) return false;
  await session.command([
    'CONFIG',
    'SET',
    'min-replicas-max-lag',
    String(MIN_REPLICAS_MAX_LAG_SECONDS),
  ]);
  await session.command(['CONFIG', 'SET', 'min-replicas-to-write', wanted]);
  await session.command(['CONFIG', 'REWRITE']);
  return true;
}
