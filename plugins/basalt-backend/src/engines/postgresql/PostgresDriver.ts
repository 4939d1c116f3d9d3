import { InputError } from '@backstage/errors';
import {
  ConnectionSettings,
  EngineCluster,
  ManifestIssue,
} from '@basalt/plugin-basalt-common';
import {
  BindingRequest,
  ConnectionRequest,
  EngineAddress,
  EngineContext,
  EngineDriver,
  EngineHost,
  InstanceProbe,
  ParsedLogLine,
  ProbeSession,
  ReplicationPosition,
  ReplicationSource,
} from '@basalt/plugin-basalt-node';
import { ensureDatabasesAndAccounts, ensureReplicationRole } from './accounts';
import {
  ConfigurationInput,
  lowersStandbyMinimums,
  renderPgHba,
  TLS_FILES,
  renderPostgresqlConf,
} from './configuration';
import { Timeouts, withClient } from './connection';
import { PostgresBackups } from './backup/PostgresBackups';
import { POSTGRES_CAPABILITIES } from './capabilities';
import { POSTGRES_PROCESS } from './process';
import { parsePostgresLogLine } from './logLines';
import {
  POSTGRES_PARAMETERS,
  POSTGRES_REFUSED_PARAMETERS,
  POSTGRES_RESERVED_NAMES,
} from './parameters';
import { PostgresProbeSession, probeInstance } from './probe';
import { configurationRejected } from './configurationRejected';
import { reloadConfiguration } from './reload';
import { ensureServerCertificate } from './serverCertificate';
import { setWritesLocked } from './writesLock';
import { compareWalLocations } from './walLocation';
import {
  postgresBindingEntries,
  postgresConnectionSettings,
} from './connectionSettings';
import {
  ensureSynchronousCommit,
  follow,
  prepareStandby,
  primaryConninfo,
  promote,
} from './replication';

/**
 * Options of {@link PostgresDriver}.
 *
 * @public
 */
export interface PostgresDriverOptions {
  /** How long a probe waits for a connection; defaults to 1 s. */
  probeTimeoutMs?: number;
  /** How long administrative sessions wait for a connection; defaults to 5 s. */
  connectTimeoutMs?: number;
  /**
   * Where the client tools the backend runs itself for backups and
   * restores (`pg_basebackup`, `pg_dump`, `pg_restore`) are; defaults to
   * `/usr/lib/postgresql/15/bin`.
   */
  binDir?: string;
}

/** The release Debian bookworm ships, which the local runtime runs. */
export const POSTGRES_DEFAULT_VERSION = '15';

const INITDB_TIMEOUT_MS = 120_000;
const BASEBACKUP_TIMEOUT_MS = 30 * 60_000;
// A promotion replays what the replica received first; it is quick when the
// replica keeps up, which is what the candidate was chosen for.
const PROMOTE_WAIT_SECONDS = 30;

/**
 * The PostgreSQL engine driver: creates primaries with `initdb` and
 * replicas with `pg_basebackup` (streaming replication), configures them
 * for password-only access from 127.0.0.1, and manages databases and
 * accounts with the `pg` client. Passwords never appear in arguments, logs
 * or SQL text: initdb reads the superuser's from a file, pg_basebackup from
 * its environment, and roles get SCRAM verifiers.
 *
 * @public
 */
export class PostgresDriver implements EngineDriver {
  readonly engine = 'postgresql';
  readonly versions = [POSTGRES_DEFAULT_VERSION];
  readonly defaultVersion = POSTGRES_DEFAULT_VERSION;
  readonly capabilities = POSTGRES_CAPABILITIES;
  readonly programs = [
    'initdb',
    'postgres',
    'pg_basebackup',
    'pg_rewind',
    // Physical restores recover on a maintenance server they start and
    // stop themselves, and set passwords over its private socket.
    'pg_ctl',
    'psql',
  ];
  readonly process = POSTGRES_PROCESS;
  readonly parameters = POSTGRES_PARAMETERS;
  readonly refusedParameters = POSTGRES_REFUSED_PARAMETERS;
  readonly reservedNames = POSTGRES_RESERVED_NAMES;
  readonly backups: PostgresBackups;

  private readonly probeTimeouts: Timeouts;
  private readonly adminTimeouts: Timeouts;

  constructor(options: PostgresDriverOptions = {}) {
    const probeTimeoutMs = options.probeTimeoutMs ?? 1_000;
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    // A probe reports a starting server as not ready rather than wait.
    this.probeTimeouts = {
      connectTimeoutMs: probeTimeoutMs,
      queryTimeoutMs: probeTimeoutMs,
      startupWaitMs: 0,
    };
    this.adminTimeouts = {
      connectTimeoutMs,
      queryTimeoutMs: 60_000,
      startupWaitMs: 30_000,
    };
    this.backups = new PostgresBackups({
      binDir: options.binDir ?? POSTGRES_PROCESS.binDir,
      timeouts: this.adminTimeouts,
      dataFiles: (host, context) =>
        dataFiles(this.configurationFiles(host, context), context),
    });
  }

  async initializePrimary(
    host: EngineHost,
    context: EngineContext,
  ): Promise<void> {
    // Rendered first: a bad parameter fails before any work is done.
    const files = dataFiles(this.configurationFiles(host, context), context);
    const { superuser } = context.credentials;
    await host.withSecretFile(`${superuser.password}\n`, passwordFile =>
      host.exec(
        'initdb',
        [
          `--pgdata=${host.dataDir}`,
          `--username=${superuser.username}`,
          '--auth=scram-sha-256',
          `--pwfile=${passwordFile}`,
          '--encoding=UTF8',
          '--locale=C',
          '--no-instructions',
        ],
        { timeoutMs: INITDB_TIMEOUT_MS },
      ),
    );
    await writeFiles(host, files);
  }

  async initializeReplica(
    host: EngineHost,
    context: EngineContext,
    source: ReplicationSource,
  ): Promise<void> {
    const files = dataFiles(this.configurationFiles(host, context), context);
    const { superuser, replication } = context.credentials;
    // The source may not have the replication account yet, depending on
    // whether its databases and accounts were reconciled already.
    await withClient(source.address, superuser, this.adminTimeouts, client =>
      ensureReplicationRole(client, replication),
    );
    // Runs beside the replica, so it connects the way the replica will.
    await host.exec(
      'pg_basebackup',
      [
        `--host=${source.peerAddress.host}`,
        `--port=${source.peerAddress.port}`,
        `--username=${replication.username}`,
        `--pgdata=${host.dataDir}`,
        '--write-recovery-conf',
        '--wal-method=stream',
        '--checkpoint=fast',
        '--no-password',
      ],
      {
        env: { PGPASSWORD: replication.password },
        timeoutMs: BASEBACKUP_TIMEOUT_MS,
      },
    );
    // The copy has the source's configuration (its port and socket
    // directory); the replica gets its own. The recovery settings written
    // by --write-recovery-conf live in postgresql.auto.conf and are kept.
    await writeFiles(host, files);
  }

  checkSpec(spec: EngineCluster['spec']): ManifestIssue[] {
    const commit = spec.parameters.synchronous_commit;
    if (
      spec.ha.replication === 'sync' &&
      (commit === 'off' || commit === 'local')
    ) {
      return [
        {
          path: 'spec.parameters.synchronous_commit',
          message: `'${commit}' does not wait for a replica, which ha.replication sync promises; use on, remote_write or remote_apply`,
        },
      ];
    }
    return [];
  }

  restartPrimaryFirst(applied: EngineContext, wanted: EngineContext): boolean {
    const address = { host: '127.0.0.1', port: 5432 };
    return lowersStandbyMinimums(
      { address, spec: applied.spec, resources: applied.resources },
      { address, spec: wanted.spec, resources: wanted.resources },
    );
  }

  reloadConfiguration(
    address: EngineAddress,
    context: EngineContext,
  ): Promise<void> {
    return reloadConfiguration(
      address,
      context.credentials.superuser,
      this.adminTimeouts,
    );
  }

  async ensureServerCertificate(
    address: EngineAddress,
    context: EngineContext,
  ): Promise<boolean> {
    const { tls, superuser } = context.credentials;
    if (!tls) return false;
    return ensureServerCertificate(address, superuser, this.adminTimeouts, tls);
  }

  serverCommand(host: EngineHost): { program: string; args: string[] } {
    return { program: host.binary('postgres'), args: ['-D', host.dataDir] };
  }

  probe(
    address: EngineAddress,
    context: EngineContext,
    options: { timeoutMs?: number } = {},
  ): Promise<InstanceProbe> {
    const timeouts = options.timeoutMs
      ? {
          ...this.probeTimeouts,
          connectTimeoutMs: options.timeoutMs,
          queryTimeoutMs: options.timeoutMs,
        }
      : this.probeTimeouts;
    return probeInstance(address, context.credentials.superuser, timeouts);
  }

  connectionSettings(request: ConnectionRequest): ConnectionSettings {
    return postgresConnectionSettings(request);
  }

  bindingEntries(request: BindingRequest): Record<string, string> {
    return postgresBindingEntries(request);
  }

  /** Positions are WAL locations (`0/3000060`). */
  comparePositions(a: ReplicationPosition, b: ReplicationPosition): number {
    return compareWalLocations(a, b);
  }

  configurationRejected(startFailure: string): string | undefined {
    return configurationRejected(startFailure);
  }

  openProbeSession(
    address: EngineAddress,
    context: EngineContext,
    options: { timeoutMs: number },
  ): ProbeSession {
    return new PostgresProbeSession(
      address,
      context.credentials.superuser,
      options.timeoutMs,
    );
  }

  promote(address: EngineAddress, context: EngineContext): Promise<void> {
    return promote(
      address,
      context.credentials.superuser,
      this.adminTimeouts,
      PROMOTE_WAIT_SECONDS,
    );
  }

  follow(
    replica: { name: string; address: EngineAddress },
    primary: EngineAddress,
    context: EngineContext,
  ): Promise<void> {
    const { superuser, replication } = context.credentials;
    return follow(
      replica.address,
      superuser,
      this.adminTimeouts,
      primaryConninfo(primary, replication, replica.name),
    );
  }

  ensureSynchronousReplication(
    primary: EngineAddress,
    context: EngineContext,
    synchronous: boolean,
  ): Promise<boolean> {
    return ensureSynchronousCommit(
      primary,
      context.credentials.superuser,
      this.adminTimeouts,
      synchronous,
    );
  }

  async prepareReplica(
    host: EngineHost,
    context: EngineContext,
    replica: { name: string; primary: ReplicationSource },
  ): Promise<string[]> {
    const files = dataFiles(this.configurationFiles(host, context), context);
    const { superuser, replication } = context.credentials;
    const wasStandby = await host.fileExists('standby.signal');
    if (!wasStandby) {
      // A just-promoted primary records its new timeline in its control
      // file only at its next checkpoint; pg_rewind reads the timeline from
      // there, and would otherwise see no divergence where there is one.
      await withClient(
        replica.primary.address,
        superuser,
        this.adminTimeouts,
        c => c.query('checkpoint'),
      );
    }
    const { peerAddress } = replica.primary;
    const result = await prepareStandby(host, {
      primary: peerAddress,
      superuser,
      conninfo: primaryConninfo(peerAddress, replication, replica.name),
      wasStandby,
    });
    // pg_rewind copies the source's configuration; this instance keeps its own.
    await writeFiles(host, files);
    return result;
  }

  setWritesLocked(
    primary: EngineAddress,
    context: EngineContext,
    locked: boolean,
  ): Promise<void> {
    return setWritesLocked(
      primary,
      context.credentials.superuser,
      this.adminTimeouts,
      locked,
    );
  }

  ensureDatabasesAndAccounts(
    primary: EngineAddress,
    context: EngineContext,
  ): Promise<string[]> {
    return ensureDatabasesAndAccounts(primary, context, this.adminTimeouts);
  }

  parseLogLine(line: string): ParsedLogLine {
    return parsePostgresLogLine(line);
  }

  configurationFiles(
    host: EngineHost,
    context: EngineContext,
  ): Record<string, string> {
    if (!this.versions.includes(context.spec.version)) {
      throw new InputError(
        `PostgreSQL ${
          context.spec.version
        } is not supported; supported: ${this.versions.join(', ')}`,
      );
    }
    const input: ConfigurationInput = {
      dataDir: host.dataDir,
      address: host.address,
      alsoListenOn: host.alsoListenOn,
      spec: context.spec,
      replicationUser: context.credentials.replication.username,
      superuser: context.credentials.superuser.username,
      network: context.network,
      tls: !!context.credentials.tls,
      archiveDir: host.archiveDir,
      resources: context.resources,
    };
    return {
      'postgresql.conf': renderPostgresqlConf(input),
      'pg_hba.conf': renderPgHba(input),
    };
  }
}

/**
 * What the driver writes into an instance's data directory: its
 * configuration, and the cluster's TLS material, which holds a secret and so
 * is not among the configuration files a runtime may keep elsewhere.
 */
function dataFiles(
  configuration: Record<string, string>,
  context: EngineContext,
): Record<string, string> {
  const { tls } = context.credentials;
  if (!tls) return configuration;
  return {
    ...configuration,
    [TLS_FILES.certificate]: tls.certificate,
    [TLS_FILES.key]: tls.key,
    [TLS_FILES.ca]: tls.caCertificate,
  };
}

async function writeFiles(host: EngineHost, files: Record<string, string>) {
  for (const [name, content] of Object.entries(files)) {
    await host.writeFile(name, content);
  }
}
