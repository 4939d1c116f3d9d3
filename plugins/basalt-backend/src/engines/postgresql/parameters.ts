import {
  ParameterApply,
  ParameterDefinition,
  ParameterType,
  ParameterUnitKind,
  RefusedParameterRule,
  ReservedNames,
} from '@basalt/plugin-basalt-common';

/**
 * Settings a manifest never sets, and why. Checked before the declared
 * list, so a platform team's added definition cannot match one either.
 */
export const POSTGRES_REFUSED_PARAMETERS: RefusedParameterRule[] = [
  {
    pattern: '_command$',
    reason: 'runs a command on the host',
  },
  {
    pattern: '(_library|_libraries|^dynamic_library_path|^jit_provider)$',
    reason: 'loads a library into the server',
  },
  {
    pattern:
      '(_file|_directory|_directories|_dir|^extension_destdir|^log_filename|^promote_trigger_file)$',
    reason: 'names a file or directory on the host',
  },
  {
    pattern: '^(ssl|ssl_.*)$',
    reason: "is managed by Basalt (the cluster's TLS certificates)",
  },
  {
    names: [
      'listen_addresses',
      'port',
      'unix_socket_group',
      'unix_socket_permissions',
      'password_encryption',
      'primary_conninfo',
      'primary_slot_name',
      'synchronous_standby_names',
      'archive_mode',
      'archive_timeout',
      'restore_command',
      'wal_level',
      'hot_standby',
      'wal_log_hints',
      'max_wal_senders',
      'max_replication_slots',
      'wal_retrieve_retry_interval',
      'logging_collector',
      'log_destination',
      'log_line_prefix',
      'log_timezone',
      'lc_messages',
      'default_transaction_read_only',
      'allow_system_table_mods',
      'ignore_checksum_failure',
      'zero_damaged_pages',
      'ignore_invalid_pages',
      'recovery_target',
      'recovery_target_action',
      'recovery_target_inclusive',
      'recovery_target_lsn',
      'recovery_target_name',
      'recovery_target_time',
      'recovery_target_timeline',
      'recovery_target_xid',
    ],
    reason:
      'is managed by Basalt (networking, authentication, replication, archiving, logging or write protection)',
  },
];

/**
 * Basalt's own accounts and PostgreSQL's reserved names: roles named
 * `pg_*` and the databases every cluster has.
 */
export const POSTGRES_RESERVED_NAMES: ReservedNames = {
  accounts: ['basalt', 'basalt_replication', 'postgres', 'public', 'none'],
  accountPrefixes: ['pg_'],
  databases: ['postgres', 'template0', 'template1'],
};

const definition = (
  name: string,
  apply: ParameterApply,
  type: ParameterType,
  description: string,
): ParameterDefinition => ({
  name,
  apply,
  description,
  ...type,
  profileMayForbid: false,
});
/** Safety settings region profiles may forbid (or forbid values of). */
const forbiddable = (d: ParameterDefinition): ParameterDefinition => ({
  ...d,
  profileMayForbid: true,
});

const INT_MAX = 2_147_483_647;
const integer = (
  min: number,
  max: number,
  unit?: ParameterUnitKind,
  baseUnit?: string,
): ParameterType => ({
  type: 'integer',
  min,
  max,
  ...(unit && { unit, baseUnit }),
});
const kB = (min: number, max = INT_MAX) => integer(min, max, 'memory', 'kB');
const pages = (min: number, max = 1_073_741_823) =>
  integer(min, max, 'memory', '8kB');
const MB = (min: number, max = INT_MAX) => integer(min, max, 'memory', 'MB');
const ms = (min: number, max = INT_MAX) => integer(min, max, 'time', 'ms');
const seconds = (min: number, max: number) => integer(min, max, 'time', 's');
const count = (min: number, max: number) => integer(min, max);
const real = (min: number, max: number): ParameterType => ({
  type: 'real',
  min,
  max,
});
const bool = (): ParameterType => ({ type: 'bool' });
const oneOf = (...values: string[]): ParameterType => ({
  type: 'enum',
  values,
});
const text = (pattern: string, maxLength: number): ParameterType => ({
  type: 'string',
  pattern,
  maxLength,
});

/**
 * The PostgreSQL 15 parameters a manifest may set: the ones people tune
 * (memory, connections, checkpoints, autovacuum, planner, timeouts,
 * logging), each with PostgreSQL's own type, unit and context (`restart`
 * for postmaster settings, `reload` for the others) and a range inside
 * PostgreSQL's. parameters.test.ts checks them against a running server.
 */
export const POSTGRES_PARAMETERS: ParameterDefinition[] = [
  definition(
    'max_connections',
    'restart',
    count(10, 10_000),
    'Most concurrent connections',
  ),
  definition(
    'shared_buffers',
    'restart',
    pages(16),
    'Memory for the shared buffer cache',
  ),
  definition(
    'effective_cache_size',
    'reload',
    pages(1, INT_MAX),
    "The planner's assumption of the cache size",
  ),
  definition('work_mem', 'reload', kB(64), 'Memory per sort or hash operation'),
  definition(
    'maintenance_work_mem',
    'reload',
    kB(1024),
    'Memory for maintenance operations (VACUUM, CREATE INDEX)',
  ),
  definition(
    'autovacuum_work_mem',
    'reload',
    kB(-1),
    'Memory per autovacuum worker (-1: maintenance_work_mem)',
  ),
  definition(
    'temp_buffers',
    'reload',
    pages(100),
    'Memory per session for temporary tables',
  ),
  definition(
    'temp_file_limit',
    'reload',
    kB(-1),
    'Most temporary file space per process (-1: none)',
  ),
  definition(
    'hash_mem_multiplier',
    'reload',
    real(1, 1000),
    'Multiple of work_mem hash tables may use',
  ),
  definition(
    'max_locks_per_transaction',
    'restart',
    count(10, 100_000),
    'Locks per transaction in the shared lock table',
  ),
  definition(
    'max_prepared_transactions',
    'restart',
    count(0, 10_000),
    'Most transactions in the prepared state',
  ),
  definition(
    'max_worker_processes',
    'restart',
    count(0, 1024),
    'Most background processes',
  ),
  definition(
    'max_parallel_workers',
    'reload',
    count(0, 1024),
    'Most parallel workers at a time',
  ),
  definition(
    'max_parallel_workers_per_gather',
    'reload',
    count(0, 1024),
    'Most parallel workers per Gather node',
  ),
  definition(
    'max_parallel_maintenance_workers',
    'reload',
    count(0, 1024),
    'Most parallel workers per maintenance operation',
  ),
  definition(
    'track_activity_query_size',
    'restart',
    integer(100, 1_048_576, 'memory', 'B'),
    'Bytes kept of each running query',
  ),
  definition(
    'checkpoint_timeout',
    'reload',
    seconds(30, 86_400),
    'Longest time between checkpoints',
  ),
  definition(
    'checkpoint_completion_target',
    'reload',
    real(0, 1),
    'Fraction of the interval to spread a checkpoint over',
  ),
  definition(
    'max_wal_size',
    'reload',
    MB(2),
    'WAL size that triggers a checkpoint',
  ),
  definition('min_wal_size', 'reload', MB(2), 'WAL size kept for reuse'),
  definition(
    'wal_keep_size',
    'reload',
    MB(0),
    'WAL kept for replicas catching up',
  ),
  definition(
    'wal_buffers',
    'restart',
    pages(-1, 262_143),
    'Memory for WAL not yet written (-1: from shared_buffers)',
  ),
  definition(
    'wal_compression',
    'reload',
    oneOf('off', 'pglz', 'lz4', 'zstd'),
    'Compresses full-page images in WAL',
  ),
  definition(
    'wal_writer_delay',
    'reload',
    ms(1, 10_000),
    'Time between WAL writer flushes',
  ),
  definition(
    'commit_delay',
    'reload',
    count(0, 100_000),
    'Microseconds to wait before a commit flush, for group commit',
  ),
  definition(
    'commit_siblings',
    'reload',
    count(0, 1000),
    'Concurrent transactions needed before commit_delay applies',
  ),
  forbiddable(
    definition(
      'fsync',
      'reload',
      bool(),
      'Forces writes to disk (off risks data loss after a crash)',
    ),
  ),
  forbiddable(
    definition(
      'full_page_writes',
      'reload',
      bool(),
      'Writes full pages to WAL after a checkpoint (off risks corruption)',
    ),
  ),
  forbiddable(
    definition(
      'synchronous_commit',
      'reload',
      oneOf('on', 'remote_apply', 'remote_write', 'local', 'off'),
      'What a commit waits for (off and local may lose acknowledged writes)',
    ),
  ),
  definition(
    'bgwriter_delay',
    'reload',
    ms(10, 10_000),
    'Time between background writer rounds',
  ),
  definition(
    'bgwriter_lru_maxpages',
    'reload',
    count(0, 1_073_741_823),
    'Most pages written per round',
  ),
  definition(
    'bgwriter_lru_multiplier',
    'reload',
    real(0, 10),
    'Multiple of recent need to write per round',
  ),
  forbiddable(
    definition('autovacuum', 'reload', bool(), 'Runs the autovacuum launcher'),
  ),
  definition(
    'autovacuum_max_workers',
    'restart',
    count(1, 100),
    'Most autovacuum workers',
  ),
  definition(
    'autovacuum_naptime',
    'reload',
    seconds(1, 2_147_483),
    'Time between autovacuum runs',
  ),
  definition(
    'autovacuum_vacuum_scale_factor',
    'reload',
    real(0, 100),
    'Fraction of a table updated before a vacuum',
  ),
  definition(
    'autovacuum_analyze_scale_factor',
    'reload',
    real(0, 100),
    'Fraction of a table updated before an analyze',
  ),
  definition(
    'autovacuum_vacuum_threshold',
    'reload',
    count(0, INT_MAX),
    'Rows updated before a vacuum',
  ),
  definition(
    'autovacuum_analyze_threshold',
    'reload',
    count(0, INT_MAX),
    'Rows updated before an analyze',
  ),
  definition(
    'autovacuum_vacuum_cost_delay',
    'reload',
    real(-1, 100),
    'Vacuum cost delay in ms for autovacuum (-1: vacuum_cost_delay)',
  ),
  definition(
    'autovacuum_vacuum_cost_limit',
    'reload',
    count(-1, 10_000),
    'Vacuum cost limit for autovacuum (-1: vacuum_cost_limit)',
  ),
  definition(
    'autovacuum_freeze_max_age',
    'restart',
    count(100_000, 2_000_000_000),
    'Transaction age that forces a vacuum against wraparound',
  ),
  definition(
    'vacuum_cost_delay',
    'reload',
    real(0, 100),
    'Vacuum cost delay in ms',
  ),
  definition(
    'vacuum_cost_limit',
    'reload',
    count(1, 10_000),
    'Vacuum cost accumulated before a nap',
  ),
  definition(
    'random_page_cost',
    'reload',
    real(0, 1_000_000),
    "The planner's cost of a random page read",
  ),
  definition(
    'seq_page_cost',
    'reload',
    real(0, 1_000_000),
    "The planner's cost of a sequential page read",
  ),
  definition(
    'cpu_tuple_cost',
    'reload',
    real(0, 1_000_000),
    "The planner's cost of processing a row",
  ),
  definition(
    'parallel_setup_cost',
    'reload',
    real(0, 1_000_000),
    "The planner's cost of starting parallel workers",
  ),
  definition(
    'parallel_tuple_cost',
    'reload',
    real(0, 1_000_000),
    "The planner's cost of passing a row from a worker",
  ),
  definition(
    'effective_io_concurrency',
    'reload',
    count(0, 1000),
    'Concurrent disk reads the storage handles',
  ),
  definition(
    'maintenance_io_concurrency',
    'reload',
    count(0, 1000),
    'effective_io_concurrency for maintenance work',
  ),
  definition(
    'default_statistics_target',
    'reload',
    count(1, 10_000),
    'Statistics detail per column',
  ),
  definition(
    'from_collapse_limit',
    'reload',
    count(1, 1000),
    'FROM list size up to which subqueries are merged',
  ),
  definition(
    'join_collapse_limit',
    'reload',
    count(1, 1000),
    'FROM list size up to which JOINs are reordered',
  ),
  definition('jit', 'reload', bool(), 'Compiles expressions just in time'),
  definition(
    'plan_cache_mode',
    'reload',
    oneOf('auto', 'force_custom_plan', 'force_generic_plan'),
    'How prepared statements are planned',
  ),
  definition(
    'statement_timeout',
    'reload',
    ms(0),
    'Longest a statement may run (0: no limit)',
  ),
  definition(
    'lock_timeout',
    'reload',
    ms(0),
    'Longest a statement waits for a lock (0: no limit)',
  ),
  definition(
    'idle_in_transaction_session_timeout',
    'reload',
    ms(0),
    'Ends sessions idle in a transaction this long (0: never)',
  ),
  definition(
    'idle_session_timeout',
    'reload',
    ms(0),
    'Ends sessions idle this long (0: never)',
  ),
  definition(
    'deadlock_timeout',
    'reload',
    ms(1),
    'Wait on a lock before checking for a deadlock',
  ),
  definition(
    'tcp_keepalives_idle',
    'reload',
    seconds(0, 2_147_483),
    'Idle time before a TCP keepalive (0: system default)',
  ),
  definition(
    'tcp_keepalives_interval',
    'reload',
    seconds(0, 2_147_483),
    'Time between TCP keepalives (0: system default)',
  ),
  definition(
    'tcp_keepalives_count',
    'reload',
    count(0, 1000),
    'Keepalives lost before the connection is dead (0: system default)',
  ),
  definition(
    'default_transaction_isolation',
    'reload',
    oneOf('serializable', 'repeatable read', 'read committed'),
    'Isolation level of new transactions',
  ),
  definition(
    'cluster_name',
    'restart',
    text('[A-Za-z0-9_.-]{0,63}', 63),
    'Name shown in process titles',
  ),
  definition(
    'max_standby_streaming_delay',
    'reload',
    ms(-1),
    'Longest a replica delays replay for conflicting queries (-1: forever)',
  ),
  forbiddable(
    definition(
      'hot_standby_feedback',
      'reload',
      bool(),
      'Replicas tell the primary which rows their queries need',
    ),
  ),
  definition(
    'log_min_duration_statement',
    'reload',
    ms(-1),
    'Logs statements that run this long (-1: none)',
  ),
  definition(
    'log_autovacuum_min_duration',
    'reload',
    ms(-1),
    'Logs autovacuum runs this long (-1: none)',
  ),
  definition(
    'log_statement',
    'reload',
    oneOf('none', 'ddl', 'mod', 'all'),
    'Which statements are logged',
  ),
  definition(
    'log_min_messages',
    'reload',
    oneOf(
      'debug1',
      'info',
      'notice',
      'warning',
      'error',
      'log',
      'fatal',
      'panic',
    ),
    'Least severe messages logged',
  ),
  definition(
    'log_error_verbosity',
    'reload',
    oneOf('terse', 'default', 'verbose'),
    'Detail of logged errors',
  ),
  definition('log_connections', 'reload', bool(), 'Logs each connection'),
  definition('log_disconnections', 'reload', bool(), 'Logs each session end'),
  definition('log_checkpoints', 'reload', bool(), 'Logs each checkpoint'),
  definition(
    'log_lock_waits',
    'reload',
    bool(),
    'Logs waits longer than deadlock_timeout',
  ),
  definition(
    'log_temp_files',
    'reload',
    kB(-1),
    'Logs temporary files this large (-1: none)',
  ),
  definition(
    'track_io_timing',
    'reload',
    bool(),
    'Times disk reads and writes',
  ),
  definition(
    'track_functions',
    'reload',
    oneOf('none', 'pl', 'all'),
    'Which function calls are counted',
  ),
];
