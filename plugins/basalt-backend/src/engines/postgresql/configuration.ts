import { InputError } from '@backstage/errors';
import {
  backupPolicyOf,
  DEFAULT_NETWORK_POLICY,
  EngineCluster,
  NetworkPolicy,
} from '@basalt/plugin-basalt-common';
import { EngineAddress, InstanceResources } from '@basalt/plugin-basalt-node';
import { parseQuantity } from '../../pools/quantity';
import { checkedParameters } from '../checkedParameters';
import { POSTGRES_REFUSED_PARAMETERS } from './parameters';

const POSTGRES_PARAMETER_NAMES = {
  name: 'PostgreSQL',
  refused: POSTGRES_REFUSED_PARAMETERS,
  namePattern: /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/,
};

/** What the configuration of one instance depends on. */
export interface ConfigurationInput {
  dataDir: string;
  address: EngineAddress;
  /** See `EngineHost.alsoListenOn`. */
  alsoListenOn?: string[];
  spec: EngineCluster['spec'];
  replicationUser: string;
  /**
   * The account Basalt administers the instance with; it may connect from
   * 127.0.0.1 whatever the profile says (see {@link renderPgHba}).
   */
  superuser?: string;
  /** Who may connect, and how; absent: `DEFAULT_NETWORK_POLICY`. */
  network?: NetworkPolicy;
  /**
   * The runtime writes the cluster's server certificate, its key and CA
   * into the data directory ({@link TLS_FILES}), so the server offers TLS.
   */
  tls?: boolean;
  /**
   * Where completed WAL files are left for the runtime to archive
   * (`EngineHost.archiveDir`); without it, WAL is not archived.
   */
  archiveDir?: string;
  /** The CPU and memory the instance gets; without them, fixed defaults. */
  resources?: InstanceResources;
}

/**
 * Renders `postgresql.conf`: Basalt's settings for networking, replication,
 * logging and locale, followed by `spec.parameters` (later lines win in
 * PostgreSQL, so the manifest's values apply). Throws {@link InputError}
 * for parameters that are malformed or reserved.
 */
export function renderPostgresqlConf(input: ConfigurationInput): string {
  const settings: Record<string, string> = {
    ...baseSettings(input),
    ...resourceSettings(input),
    ...walSizeSettings(input),
    ...archiveSettings(input),
    ...tlsSettings(input),
    ...checkedParameters(input.spec.parameters, POSTGRES_PARAMETER_NAMES),
  };
  return [
    '# Written by Basalt when the instance was created.',
    ...Object.entries(settings).map(
      ([name, value]) => `${name} = ${quote(value)}`,
    ),
    '',
  ].join('\n');
}

/**
 * Renders `pg_hba.conf`: password (SCRAM) authentication only; clients from
 * the profile's allowed networks, over TLS only (`hostssl`) when the profile
 * requires it; replication connections for the replication account from
 * this host (where replicas run on the local runtime). Basalt's own account
 * may always connect from 127.0.0.1: the backend administers instances from
 * this host, and on Kubernetes through a port-forward, which the Pod sees
 * as its loopback.
 */
export function renderPgHba(input: ConfigurationInput): string {
  const network = input.network ?? DEFAULT_NETWORK_POLICY;
  const clientType = network.tls === 'required' ? 'hostssl' : 'host';
  return [
    '# Written by Basalt when the instance was created.',
    '# TYPE  DATABASE     USER  ADDRESS       METHOD',
    'local   all          all                 scram-sha-256',
    ...(input.superuser
      ? [
          `host    all          ${hbaName(
            input.superuser,
          )}  127.0.0.1/32  scram-sha-256`,
        ]
      : []),
    `host    replication  ${hbaName(
      input.replicationUser,
    )}  127.0.0.1/32  scram-sha-256`,
    ...network.allowedNetworks.map(
      cidr => `${clientType}  all          all   ${cidr}  scram-sha-256`,
    ),
    '',
  ].join('\n');
}

/**
 * Settings a hot standby needs at least at its primary's value, with
 * PostgreSQL's defaults: a standby started with less stops replaying.
 */
const STANDBY_MINIMUMS: Record<string, number> = {
  max_connections: 100,
  max_worker_processes: 8,
  max_wal_senders: 10,
  max_prepared_transactions: 0,
  max_locks_per_transaction: 64,
};

/**
 * Whether going from `before` to `after` lowers a setting a standby needs
 * at least at its primary's value: then the primary must restart with the
 * new configuration before its replicas do.
 */
export function lowersStandbyMinimums(
  before: Pick<ConfigurationInput, 'address' | 'spec' | 'resources'>,
  after: Pick<ConfigurationInput, 'address' | 'spec' | 'resources'>,
): boolean {
  const effective = (input: typeof before) => ({
    ...baseSettings(input),
    ...resourceSettings(input),
    ...input.spec.parameters,
  });
  const was = effective(before);
  const will = effective(after);
  return Object.entries(STANDBY_MINIMUMS).some(
    ([name, fallback]) =>
      Number(will[name] ?? fallback) < Number(was[name] ?? fallback),
  );
}

function hbaName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Where the runtime writes the cluster's TLS material in the data
 * directory, owned by the engine's user, mode 0600 (PostgreSQL refuses a
 * key others can read).
 */
export const TLS_FILES = {
  certificate: 'server.crt',
  key: 'server.key',
  ca: 'ca.crt',
} as const;

/**
 * TLS for clients that ask for it (and all of them where the profile
 * requires it, see {@link renderPgHba}), with the cluster's own server
 * certificate; TLS 1.2 at least. Relative paths are read from the data
 * directory.
 */
export function tlsSettings({
  tls,
}: ConfigurationInput): Record<string, string> {
  if (!tls) return { ssl: 'off' };
  return {
    ssl: 'on',
    ssl_cert_file: TLS_FILES.certificate,
    ssl_key_file: TLS_FILES.key,
    ssl_ca_file: TLS_FILES.ca,
    ssl_min_protocol_version: 'TLSv1.2',
  };
}

const MB = 2 ** 20;
const clamp = (value: number, low: number, high: number) =>
  Math.min(high, Math.max(low, value));

/**
 * How much WAL the instance keeps, sized to its volume so that WAL alone
 * can never fill it (PostgreSQL's defaults assume at least a few GB):
 * checkpoints come before a quarter of the volume is WAL (`max_wal_size`,
 * at most PostgreSQL's 1 GB default), and an eighth, at most 256 MB, is
 * kept for replicas catching up and for physical backups
 * (`wal_keep_size`: pg_basebackup --wal-method=fetch reads the WAL written
 * during the backup at its end, and archiving keeps what is not archived).
 */
export function walSizeSettings({
  spec,
}: ConfigurationInput): Record<string, string> {
  const volume = parseQuantity(spec.storage.size) ?? 1024 * MB;
  const max = Math.floor(clamp(volume / 4, 64 * MB, 1024 * MB) / MB);
  const keep = Math.floor(clamp(volume / 8, 32 * MB, 256 * MB) / MB);
  return {
    max_wal_size: `${max}MB`,
    min_wal_size: `${Math.min(80, Math.floor(max / 2))}MB`,
    wal_keep_size: `${keep}MB`,
  };
}

const KB = 2 ** 10;
const GB = 2 ** 30;
const MAX_WORKER_PROCESSES = 8; // PostgreSQL's default, left as it is

/**
 * Memory and parallelism sized to the instance's resources, after the usual
 * tuning rules: a quarter of memory for `shared_buffers` (the kernel's page
 * cache holds the rest of the hot data, which `effective_cache_size`, three
 * quarters, tells the planner), 100 connections per GiB within 25-500 (each
 * one's memory counts against the instance's limit), and `work_mem` such
 * that three sorts or hashes in every connection at once fit in what
 * shared_buffers leaves. Without resources, PostgreSQL's own defaults for a
 * small machine.
 */
export function resourceSettings({
  resources,
}: Pick<ConfigurationInput, 'resources'>): Record<string, string> {
  if (!resources) {
    return { max_connections: '100', shared_buffers: '128MB' };
  }
  const memory = resources.memoryBytes;
  const connections = Math.floor(clamp((memory / GB) * 100, 25, 500));
  const sharedBuffers = Math.floor(memory / 4 / MB);
  const workMem = clamp((memory * 0.75) / (connections * 3), MB, 256 * MB);
  const maintenance = clamp(memory / 16, 16 * MB, 2 * GB);
  const cores = Math.max(1, Math.floor(resources.cpuMillis / 1000));
  return {
    max_connections: String(connections),
    shared_buffers: `${Math.max(sharedBuffers, 16)}MB`,
    effective_cache_size: `${Math.floor((memory * 0.75) / MB)}MB`,
    work_mem: `${Math.floor(workMem / KB)}kB`,
    maintenance_work_mem: `${Math.floor(maintenance / MB)}MB`,
    // Parallel workers run on the same CPU quota: more than the cores
    // only queue for it.
    max_parallel_workers: String(Math.min(cores, MAX_WORKER_PROCESSES)),
    max_parallel_workers_per_gather: String(Math.min(Math.floor(cores / 2), 4)),
  };
}

function baseSettings({
  address,
  alsoListenOn = [],
}: Pick<ConfigurationInput, 'address' | 'alsoListenOn'>): Record<
  string,
  string
> {
  return {
    listen_addresses: [address.host, ...alsoListenOn].join(','),
    port: String(address.port),
    // No Unix socket: Basalt and clients use TCP only, and a socket file
    // in the data directory would break pg_rewind, which copies that
    // directory from the new primary when a former primary rejoins.
    unix_socket_directories: '',
    unix_socket_permissions: '0700',
    password_encryption: 'scram-sha-256',
    wal_level: 'replica',
    max_wal_senders: '10',
    max_replication_slots: '10',
    // Lets pg_rewind turn a former primary into a replica after a failover.
    wal_log_hints: 'on',
    hot_standby: 'on',
    hot_standby_feedback: 'on',
    // The default (5s) is how long a PostgreSQL 15 standby waits before it
    // looks for WAL again, which is what a promotion waits for too.
    wal_retrieve_retry_interval: '100ms',
    // Standard error goes to the runtime's log file.
    logging_collector: 'off',
    log_destination: 'stderr',
    // parsePostgresLogLine (logLines.ts) reads this prefix: keep them in step.
    log_line_prefix: '%m [%p] %q%u@%d ',
    log_timezone: 'UTC',
    timezone: 'UTC',
    datestyle: 'iso, mdy',
    lc_messages: 'C',
    lc_monetary: 'C',
    lc_numeric: 'C',
    lc_time: 'C',
    default_text_search_config: 'pg_catalog.english',
  };
}

/**
 * Continuous WAL archiving, when the runtime collects archived files and
 * the manifest wants it: each completed WAL file (and timeline history
 * file) is copied into the archive directory under a temporary name and
 * renamed, each step synced to disk (PostgreSQL recycles a WAL file once
 * its archive command succeeds), so a file appears there only once
 * complete, and survives a crash of the host. A file already
 * there counts as archived only when identical: PostgreSQL retries a
 * failing command, and an interrupted attempt may have left it in place.
 * `archive_timeout` bounds how much of a quiet cluster's recent writes
 * only the current, unfinished WAL file holds.
 */
export function archiveSettings({
  archiveDir,
  spec,
}: ConfigurationInput): Record<string, string> {
  if (!archiveDir || !backupPolicyOf(spec).logArchiving) {
    return { archive_mode: 'off' };
  }
  const target = `${archiveDir}/%f`;
  const temporary = `${archiveDir}/.%f.tmp`;
  return {
    archive_mode: 'on',
    archive_timeout: '60s',
    archive_command: [
      `test ! -f ${shellQuote(target)}`,
      `&& cp %p ${shellQuote(temporary)}`,
      // On disk before PostgreSQL may recycle its own copy: file, then name.
      `&& sync ${shellQuote(temporary)}`,
      `&& mv ${shellQuote(temporary)} ${shellQuote(target)}`,
      `&& sync ${shellQuote(archiveDir)}`,
      `|| cmp -s %p ${shellQuote(target)}`,
    ].join(' '),
  };
}

/** Quotes a word for the shell PostgreSQL runs its commands with. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A postgresql.conf string literal (any setting may be given quoted). */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
