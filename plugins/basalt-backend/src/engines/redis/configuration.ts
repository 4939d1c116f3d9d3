import { InputError } from '@backstage/errors';
import {
  EngineCluster,
  integerInBaseUnit,
  NetworkPolicy,
} from '@basalt/plugin-basalt-common';
import { EngineAddress, InstanceResources } from '@basalt/plugin-basalt-node';
import { checkedParameters } from '../checkedParameters';
import {
  REDIS_PARAMETER_DEFAULTS,
  REDIS_PARAMETERS,
  REDIS_REFUSED_PARAMETERS,
} from './parameters';

/** The files the driver keeps in an instance's data directory. */
export const REDIS_FILES = {
  configuration: 'redis.conf',
  users: 'users.acl',
  snapshot: 'dump.rdb',
} as const;

/** What the configuration of one instance is rendered from. */
export interface ConfigurationInput {
  dataDir: string;
  address: EngineAddress;
  alsoListenOn?: string[];
  spec: EngineCluster['spec'];
  resources?: InstanceResources;
  network?: NetworkPolicy;
}

const REDIS_PARAMETER_NAMES = {
  name: 'Redis',
  refused: REDIS_REFUSED_PARAMETERS,
  namePattern: /^[a-z][a-z0-9-]*$/,
};

// The share of an instance's memory the dataset gets by default; the rest
// is for copy-on-write during snapshots, buffers and fragmentation.
const MAXMEMORY_SHARE = 0.75;

/**
 * redis.conf for one instance: where it listens, its data directory and
 * files (fixed names in that directory only), persistence (RDB snapshots
 * and the append-only file), accounts from `users.acl`, the engine's
 * defaults for memory, then `spec.parameters` (later lines win). It holds
 * no secret and no role: a replica's `replicaof` and the replication login
 * are added by {@link replicationDirectives} in the data directory only.
 */
export function renderRedisConf(input: ConfigurationInput): string {
  if (input.network?.tls === 'required') {
    throw new InputError(
      "Redis clusters serve no TLS in Basalt yet; the cluster's profile requires it (network.tls: required)",
    );
  }
  const hosts = [input.address.host, ...(input.alsoListenOn ?? [])];
  const settings: Array<[string, string]> = [
    ['bind', [...new Set(hosts)].join(' ')],
    ['port', String(input.address.port)],
    // Every login needs a password (the default user is off), which is
    // what protected mode would otherwise demand of non-local clients.
    ['protected-mode', 'no'],
    ['daemonize', 'no'],
    ['dir', quote(input.dataDir)],
    ['dbfilename', REDIS_FILES.snapshot],
    ['appendfilename', 'appendonly.aof'],
    ['appenddirname', 'appendonlydir'],
    ['aclfile', quote(`${input.dataDir}/${REDIS_FILES.users}`)],
    // To standard output, which the runtime keeps as the instance's log.
    ['logfile', '""'],
    // Replicas announce where the cluster's other members reach them.
    ['replica-announce-ip', input.address.host],
    ['replica-announce-port', String(input.address.port)],
    ['replica-serve-stale-data', 'yes'],
    ['replica-read-only', 'yes'],
    ['repl-diskless-sync', 'yes'],
    // A new replica starts copying at once rather than waiting 5 s for
    // others to share the transfer.
    ['repl-diskless-sync-delay', '0'],
    // A clean stop sends the replicas what they lack and exits, rather than
    // wait up to a second for their next acknowledgement (Redis 7.0 does not
    // count its own GETACK): a switchover checks that its target has
    // everything before promoting it, and otherwise starts the old primary
    // again.
    ['shutdown-timeout', '0'],
  ];
  return [
    '# Written by Basalt for this instance; replaced when the cluster is reconfigured.',
    ...settings.map(([name, value]) => `${name} ${value}`),
    ...tunableSettings(input).map(([name, value]) => `${name} ${quote(value)}`),
    '',
  ].join('\n');
}

/**
 * What the data directory's redis.conf has beyond the rendered file: the
 * login replicas stream with (on every instance, since any may become a
 * replica) and, for a replica, its primary. Redis rewrites these lines
 * itself (`CONFIG REWRITE`) when it is promoted or re-pointed, so they stay
 * true across restarts.
 */
export function replicationDirectives(
  replication: { username: string; password: string },
  primary?: EngineAddress,
): string {
  return [
    `masteruser ${replication.username}`,
    `masterauth ${quote(replication.password)}`,
    ...(primary ? [`replicaof ${primary.host} ${primary.port}`] : []),
    '',
  ].join('\n');
}

/**
 * Every declared parameter, as the manifest sets it or at its default
 * (`maxmemory` sized from the instance's memory), and the manifest's
 * other parameters (added by the platform team), in redis.conf's terms:
 * what a reload sets on a running server with `CONFIG SET`.
 */
export function tunableSettings(
  input: Pick<ConfigurationInput, 'spec' | 'resources'>,
): Array<[string, string]> {
  const values: Record<string, string> = {
    ...REDIS_PARAMETER_DEFAULTS,
    ...(input.resources && {
      maxmemory: String(
        Math.floor(input.resources.memoryBytes * MAXMEMORY_SHARE),
      ),
    }),
    ...checkedParameters(input.spec.parameters, REDIS_PARAMETER_NAMES),
  };
  return Object.entries(values).map(([name, value]) => [
    name,
    redisValue(name, value),
  ]);
}

/**
 * A value as Redis reads it: sizes in bytes (Redis reads `MB` as a million
 * bytes, admission as MiB), booleans as yes/no.
 */
function redisValue(name: string, value: string): string {
  const definition = REDIS_PARAMETERS.find(d => d.name === name);
  if (definition?.type === 'integer' && definition.unit === 'memory') {
    const inBytes = integerInBaseUnit(definition, value);
    if (inBytes !== undefined) return String(inBytes);
  }
  if (definition?.type === 'bool') return value === 'on' ? 'yes' : 'no';
  return value;
}

/** A redis.conf string in double quotes, as its parser reads them. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
