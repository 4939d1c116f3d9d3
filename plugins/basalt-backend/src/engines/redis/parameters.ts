import {
  ParameterApply,
  ParameterDefinition,
  ParameterType,
  RefusedParameterRule,
  ReservedNames,
} from '@basalt/plugin-basalt-common';

/**
 * Settings a manifest never sets, and why: anything that names a file or
 * directory (the classic way to make Redis write outside its data), loads
 * code, renames or enables commands, or that Basalt manages itself.
 */
export const REDIS_REFUSED_PARAMETERS: RefusedParameterRule[] = [
  {
    names: [
      'dir',
      'dbfilename',
      'appendfilename',
      'appenddirname',
      'logfile',
      'pidfile',
      'unixsocket',
      'unixsocketperm',
      'aclfile',
      'include',
      'syslog-enabled',
      'syslog-ident',
      'syslog-facility',
    ],
    reason: 'names a file or directory on the host',
  },
  {
    names: ['loadmodule', 'enable-module-command'],
    reason: 'loads a library into the server',
  },
  {
    names: [
      'rename-command',
      'enable-debug-command',
      'enable-protected-configs',
    ],
    reason: 'enables or renames commands Basalt keeps from accounts',
  },
  {
    pattern: '^tls-',
    reason: "is managed by Basalt (the cluster's TLS certificates)",
  },
  {
    pattern: '^(replica|slave|min-replicas|min-slaves|masterauth|masteruser)',
    reason: 'is managed by Basalt (replication)',
  },
  {
    names: [
      'bind',
      'bind-source-addr',
      'port',
      'protected-mode',
      'requirepass',
      'replicaof',
      'slaveof',
      'daemonize',
      'supervised',
      'databases',
      'cluster-enabled',
      'acllog-max-len',
    ],
    reason:
      'is managed by Basalt (networking, authentication, replication or the process)',
  },
];

/**
 * Basalt's own accounts, the user Redis has by itself (disabled), and the
 * marker user of the write lock.
 */
export const REDIS_RESERVED_NAMES: ReservedNames = {
  accounts: ['basalt', 'basalt_replication', 'basalt_writes_locked', 'default'],
  accountPrefixes: [],
  databases: [],
};

const definition = (
  name: string,
  apply: ParameterApply,
  type: ParameterType,
  description: string,
  profileMayForbid = false,
): ParameterDefinition => ({
  name,
  apply,
  description,
  ...type,
  profileMayForbid,
});

const bytes = (min: number, max: number): ParameterType => ({
  type: 'integer',
  min,
  max,
  unit: 'memory',
  baseUnit: 'B',
});
const count = (min: number, max: number): ParameterType => ({
  type: 'integer',
  min,
  max,
});
const bool = (): ParameterType => ({ type: 'bool' });
const oneOf = (...values: string[]): ParameterType => ({
  type: 'enum',
  values,
});

const TB = 1024 ** 4;
const INT_MAX = 2_147_483_647;

/**
 * The redis-server 7.0 parameters a manifest may set: memory and eviction,
 * persistence, clients, lazy freeing, the slow log and encodings: each one
 * Redis changes on a running server (`CONFIG SET`), so a change reloads in
 * place. parameters.test.ts checks them against a running server.
 */
export const REDIS_PARAMETERS: ParameterDefinition[] = [
  definition(
    'maxmemory',
    'reload',
    bytes(0, TB),
    'Memory the dataset may use before the eviction policy applies (0: no limit; the default is three quarters of the instance memory)',
  ),
  definition(
    'maxmemory-policy',
    'reload',
    oneOf(
      'noeviction',
      'allkeys-lru',
      'allkeys-lfu',
      'allkeys-random',
      'volatile-lru',
      'volatile-lfu',
      'volatile-random',
      'volatile-ttl',
    ),
    'Which keys go when maxmemory is reached (noeviction: writes fail instead)',
  ),
  definition(
    'maxmemory-samples',
    'reload',
    count(1, 64),
    'Keys sampled per eviction',
  ),
  definition(
    'appendonly',
    'reload',
    bool(),
    'Log every write to the append-only file, besides the RDB snapshots',
    true,
  ),
  definition(
    'appendfsync',
    'reload',
    oneOf('always', 'everysec', 'no'),
    'How often the append-only file is flushed to disk',
    true,
  ),
  definition(
    'save',
    'reload',
    {
      type: 'string',
      pattern: '([0-9]{1,9} [0-9]{1,9})( [0-9]{1,9} [0-9]{1,9}){0,7}|',
      maxLength: 160,
    },
    'RDB snapshot points: pairs of seconds and changes, e.g. "3600 1 300 100" (empty: none)',
    true,
  ),
  definition(
    'stop-writes-on-bgsave-error',
    'reload',
    bool(),
    'Refuse writes while the last snapshot failed',
    true,
  ),
  definition(
    'rdbcompression',
    'reload',
    bool(),
    'Compress strings in RDB snapshots',
  ),
  definition(
    'auto-aof-rewrite-percentage',
    'reload',
    count(0, 10_000),
    'Growth of the append-only file that triggers a rewrite, in percent',
  ),
  definition(
    'auto-aof-rewrite-min-size',
    'reload',
    bytes(0, TB),
    'Smallest append-only file that is rewritten',
  ),
  definition(
    'maxclients',
    'reload',
    count(10, 100_000),
    'Most concurrent client connections',
  ),
  definition(
    'timeout',
    'reload',
    count(0, INT_MAX),
    'Seconds after which an idle client is disconnected (0: never)',
  ),
  definition(
    'tcp-keepalive',
    'reload',
    count(0, INT_MAX),
    'Seconds between TCP keepalives to clients',
  ),
  definition(
    'repl-backlog-size',
    'reload',
    bytes(16 * 1024, TB),
    'Replication backlog: how much a replica may miss and still resynchronize partially',
  ),
  definition(
    'repl-timeout',
    'reload',
    count(1, 3600),
    'Seconds without traffic after which a replication link is dropped',
  ),
  definition(
    'lazyfree-lazy-eviction',
    'reload',
    bool(),
    'Free evicted keys in the background',
  ),
  definition(
    'lazyfree-lazy-expire',
    'reload',
    bool(),
    'Free expired keys in the background',
  ),
  definition(
    'lazyfree-lazy-server-del',
    'reload',
    bool(),
    'Free keys the server deletes implicitly in the background',
  ),
  definition(
    'lazyfree-lazy-user-del',
    'reload',
    bool(),
    'Make DEL free in the background, as UNLINK does',
  ),
  definition(
    'activedefrag',
    'reload',
    bool(),
    'Defragment memory while serving',
  ),
  definition(
    'hz',
    'reload',
    count(1, 500),
    'Background tasks per second (expiry, timeouts)',
  ),
  definition(
    'slowlog-log-slower-than',
    'reload',
    count(-1, INT_MAX),
    'Microseconds after which a command enters the slow log (-1: none)',
  ),
  definition(
    'slowlog-max-len',
    'reload',
    count(0, 100_000),
    'Entries the slow log keeps',
  ),
  definition(
    'latency-monitor-threshold',
    'reload',
    count(0, INT_MAX),
    'Milliseconds from which the latency monitor records an event (0: off)',
  ),
  definition(
    'notify-keyspace-events',
    'reload',
    { type: 'string', pattern: '[KEg$lshzxetdmnA]*', maxLength: 20 },
    'Keyspace events published to subscribers, as Redis spells them (e.g. "Ex")',
  ),
  definition(
    'loglevel',
    'reload',
    oneOf('debug', 'verbose', 'notice', 'warning'),
    'How much the server logs',
  ),
  definition(
    'hash-max-listpack-entries',
    'reload',
    count(0, 100_000),
    'Fields up to which a hash is stored compactly',
  ),
  definition(
    'set-max-intset-entries',
    'reload',
    count(0, 100_000),
    'Members up to which a set of integers is stored compactly',
  ),
  definition(
    'zset-max-listpack-entries',
    'reload',
    count(0, 100_000),
    'Members up to which a sorted set is stored compactly',
  ),
];

/**
 * The value each declared parameter has when a manifest does not set it:
 * Redis 7.0's own defaults, but for persistence, which Basalt turns on
 * (snapshots and the append-only file). A reload sets every one, so a
 * parameter removed from the manifest returns to its default.
 */
export const REDIS_PARAMETER_DEFAULTS: Record<string, string> = {
  maxmemory: '0',
  'maxmemory-policy': 'noeviction',
  'maxmemory-samples': '5',
  appendonly: 'on',
  appendfsync: 'everysec',
  save: '3600 1 300 100 60 10000',
  'stop-writes-on-bgsave-error': 'on',
  rdbcompression: 'on',
  'auto-aof-rewrite-percentage': '100',
  'auto-aof-rewrite-min-size': '67108864',
  maxclients: '10000',
  timeout: '0',
  'tcp-keepalive': '300',
  'repl-backlog-size': '1048576',
  'repl-timeout': '60',
  'lazyfree-lazy-eviction': 'off',
  'lazyfree-lazy-expire': 'off',
  'lazyfree-lazy-server-del': 'off',
  'lazyfree-lazy-user-del': 'off',
  activedefrag: 'off',
  hz: '10',
  'slowlog-log-slower-than': '10000',
  'slowlog-max-len': '128',
  'latency-monitor-threshold': '0',
  'notify-keyspace-events': '',
  loglevel: 'notice',
  'hash-max-listpack-entries': '128',
  'set-max-intset-entries': '512',
  'zset-max-listpack-entries': '128',
};
