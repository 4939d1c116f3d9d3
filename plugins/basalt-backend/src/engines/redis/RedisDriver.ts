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
import { ensureUsers, renderUsersAcl, writesLocked } from './accounts';
import { REDIS_CAPABILITIES } from './capabilities';
import {
  REDIS_FILES,
  renderRedisConf,
  replicationDirectives,
  tunableSettings,
} from './configuration';
import { parseInfo, RedisSession, Timeouts, withSession } from './connection';
import {
  redisBindingEntries,
  redisConnectionSettings,
} from './connectionSettings';
import { configurationRejected, parseRedisLogLine } from './logLines';
import {
  REDIS_PARAMETERS,
  REDIS_REFUSED_PARAMETERS,
  REDIS_RESERVED_NAMES,
} from './parameters';
import { probeInstance, RedisProbeSession } from './probe';
import { REDIS_PROCESS } from './process';
import { ensureMinReplicas, follow, promote } from './replication';
import { RedisBackups } from './backup/RedisBackups';

/**
 * Options of {@link RedisDriver}.
 *
 * @public
 */
export interface RedisDriverOptions {
  /** How long a probe waits for a connection and its reply; defaults to 1 s. */
  probeTimeoutMs?: number;
  /** How long administrative sessions wait for a connection; defaults to 5 s. */
  connectTimeoutMs?: number;
  /**
   * Where the client tool the backend runs itself for backups
   * (`redis-cli`) is; defaults to `/usr/bin`.
   */
  binDir?: string;
}

/** The release Debian bookworm ships, which the local runtime runs. */
export const REDIS_DEFAULT_VERSION = '7.0';

/**
 * The Redis engine driver: an instance is a redis-server with its
 * configuration and ACL users in its data directory, persistence on (RDB
 * snapshots and the append-only file), replicas that follow with
 * `REPLICAOF` as Basalt's replication account, and a primary chosen and
 * promoted by Basalt's controller, never by Sentinel. The `default` user is
 * off; Basalt's accounts log in with ACL passwords, which are stored as
 * SHA-256 hashes and travel only in `AUTH`.
 *
 * @public
 */
export class RedisDriver implements EngineDriver {
  readonly engine = 'redis';
  readonly versions = [REDIS_DEFAULT_VERSION];
  readonly defaultVersion = REDIS_DEFAULT_VERSION;
  readonly capabilities = REDIS_CAPABILITIES;
  readonly programs = ['redis-server'];
  readonly process = REDIS_PROCESS;
  readonly parameters = REDIS_PARAMETERS;
  readonly refusedParameters = REDIS_REFUSED_PARAMETERS;
  readonly reservedNames = REDIS_RESERVED_NAMES;
  readonly backups: RedisBackups;

  private readonly probeTimeouts: Timeouts;
  private readonly adminTimeouts: Timeouts;

  constructor(options: RedisDriverOptions = {}) {
    const probeTimeoutMs = options.probeTimeoutMs ?? 1_000;
    this.probeTimeouts = {
      connectTimeoutMs: probeTimeoutMs,
      commandTimeoutMs: probeTimeoutMs,
    };
    this.adminTimeouts = {
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      commandTimeoutMs: 60_000,
    };
    this.backups = new RedisBackups({
      binDir: options.binDir ?? REDIS_PROCESS.binDir,
      timeouts: this.adminTimeouts,
      dataFiles: (host, context) => this.dataFiles(host, context),
    });
  }

  async initializePrimary(
    host: EngineHost,
    context: EngineContext,
  ): Promise<void> {
    await writeFiles(host, this.dataFiles(host, context));
  }

  async initializeReplica(
    host: EngineHost,
    context: EngineContext,
    source: ReplicationSource,
  ): Promise<void> {
    const files = this.dataFiles(host, context, source.peerAddress);
    // The source may not have the replication account yet, depending on
    // whether its accounts were reconciled already.
    await this.admin(source.address, context, async session =>
      ensureUsers(
        session,
        context.spec,
        context.credentials,
        await writesLocked(session),
      ),
    );
    // The server copies its primary when it starts (a full synchronization).
    await writeFiles(host, files);
  }

  checkSpec(_spec: EngineCluster['spec']): ManifestIssue[] {
    return [];
  }

  restartPrimaryFirst(): boolean {
    return false;
  }

  /**
   * Sets every tunable setting on the running server at once (`CONFIG
   * SET` of several is atomic), then has Redis write its running
   * configuration back into redis.conf, which keeps the instance's role
   * there.
   */
  reloadConfiguration(
    address: EngineAddress,
    context: EngineContext,
  ): Promise<void> {
    const settings = tunableSettings({
      spec: context.spec,
      resources: context.resources,
    });
    return this.admin(address, context, async session => {
      await session.command(['CONFIG', 'SET', ...settings.flat()]);
      await session.command(['CONFIG', 'REWRITE']);
    });
  }

  serverCommand(host: EngineHost): { program: string; args: string[] } {
    return {
      program: host.binary('redis-server'),
      args: [`${host.dataDir}/${REDIS_FILES.configuration}`],
    };
  }

  probe(
    address: EngineAddress,
    context: EngineContext,
    options: { timeoutMs?: number } = {},
  ): Promise<InstanceProbe> {
    const timeouts = options.timeoutMs
      ? {
          connectTimeoutMs: options.timeoutMs,
          commandTimeoutMs: options.timeoutMs,
        }
      : this.probeTimeouts;
    return probeInstance(address, context.credentials.superuser, timeouts);
  }

  openProbeSession(
    address: EngineAddress,
    context: EngineContext,
    options: { timeoutMs: number },
  ): ProbeSession {
    return new RedisProbeSession(
      address,
      context.credentials.superuser,
      options.timeoutMs,
    );
  }

  connectionSettings(request: ConnectionRequest): ConnectionSettings {
    return redisConnectionSettings(request);
  }

  bindingEntries(request: BindingRequest): Record<string, string> {
    return redisBindingEntries(request);
  }

  /** Positions are replication offsets in bytes, e.g. `1834`. */
  comparePositions(a: ReplicationPosition, b: ReplicationPosition): number {
    const [x, y] = [offsetOf(a), offsetOf(b)];
    if (x === y) return 0;
    return x < y ? -1 : 1;
  }

  configurationRejected(startFailure: string): string | undefined {
    return configurationRejected(startFailure);
  }

  promote(address: EngineAddress, context: EngineContext): Promise<void> {
    return this.admin(address, context, promote);
  }

  follow(
    replica: { name: string; address: EngineAddress },
    primary: EngineAddress,
    context: EngineContext,
  ): Promise<void> {
    return this.admin(replica.address, context, session =>
      follow(session, primary, context.credentials.replication),
    );
  }

  ensureSynchronousReplication(
    primary: EngineAddress,
    context: EngineContext,
    synchronous: boolean,
  ): Promise<boolean> {
    return this.admin(primary, context, session =>
      ensureMinReplicas(session, synchronous),
    );
  }

  /**
   * Points a stopped instance's redis.conf at `primary`. A former primary
   * needs nothing more: when it starts, the new primary's history does not
   * contain what it wrote after the split, so Redis copies the primary whole
   * and drops those writes before the instance serves anyone.
   */
  async prepareReplica(
    host: EngineHost,
    context: EngineContext,
    replica: { name: string; primary: ReplicationSource },
  ): Promise<string[]> {
    await writeFiles(
      host,
      this.dataFiles(host, context, replica.primary.peerAddress),
    );
    return [];
  }

  /**
   * Redis has no named databases; its accounts are ACL users, which Redis
   * keeps per server rather than replicating them, so they are set on the
   * primary and on every replica it reports (at the address the replica
   * announces). A replica out of reach gets them from users.acl when it is
   * next configured or re-pointed.
   */
  async ensureDatabasesAndAccounts(
    primary: EngineAddress,
    context: EngineContext,
  ): Promise<string[]> {
    const { changes, replicas } = await this.admin(
      primary,
      context,
      async session => ({
        changes: await ensureUsers(
          session,
          context.spec,
          context.credentials,
          await writesLocked(session),
        ),
        replicas: replicasOf(
          parseInfo(await session.command(['INFO', 'replication'])),
        ),
      }),
    );
    await Promise.all(
      replicas.map(replica =>
        this.admin(replica, context, async session =>
          ensureUsers(
            session,
            context.spec,
            context.credentials,
            await writesLocked(session),
          ),
        ).catch(() => []),
      ),
    );
    return changes;
  }

  /**
   * The write lock is an ACL rule: every account loses its write commands
   * (`-@write`), at once for sessions already open; Basalt's own account
   * keeps them. A marker user records the lock in users.acl.
   */
  setWritesLocked(
    primary: EngineAddress,
    context: EngineContext,
    locked: boolean,
  ): Promise<void> {
    return this.admin(primary, context, async session => {
      await ensureUsers(session, context.spec, context.credentials, locked);
    });
  }

  parseLogLine(line: string): ParsedLogLine {
    return parseRedisLogLine(line);
  }

  configurationFiles(
    host: EngineHost,
    context: EngineContext,
  ): Record<string, string> {
    if (!this.versions.includes(context.spec.version)) {
      throw new InputError(
        `Redis ${
          context.spec.version
        } is not supported; supported: ${this.versions.join(', ')}`,
      );
    }
    return {
      [REDIS_FILES.configuration]: renderRedisConf({
        dataDir: host.dataDir,
        address: host.address,
        alsoListenOn: host.alsoListenOn,
        spec: context.spec,
        resources: context.resources,
        network: context.network,
      }),
    };
  }

  /**
   * What the driver writes into an instance's data directory: redis.conf
   * with the replication login (and, for a replica, its primary), and the
   * users, which hold password hashes and so are not among the
   * configuration files a runtime may keep elsewhere.
   */
  private dataFiles(
    host: EngineHost,
    context: EngineContext,
    primary?: EngineAddress,
  ): Record<string, string> {
    const conf = this.configurationFiles(host, context)[
      REDIS_FILES.configuration
    ];
    return {
      [REDIS_FILES.configuration]:
        conf + replicationDirectives(context.credentials.replication, primary),
      [REDIS_FILES.users]: renderUsersAcl(context.spec, context.credentials),
    };
  }

  private admin<T>(
    address: EngineAddress,
    context: EngineContext,
    use: (session: RedisSession) => Promise<T>,
  ): Promise<T> {
    return withSession(
      address,
      context.credentials.superuser,
      this.adminTimeouts,
      use,
    );
  }
}

function offsetOf(position: ReplicationPosition): bigint {
  if (!/^[0-9]+$/.test(position)) {
    throw new InputError(
      `'${position}' is not a Redis replication offset (a whole number of bytes)`,
    );
  }
  return BigInt(position);
}

/** Where a primary's `INFO replication` says its replicas are. */
function replicasOf(info: Record<string, string>): EngineAddress[] {
  return Object.entries(info)
    .filter(([name]) => /^slave[0-9]+$/.test(name))
    .map(([, value]) => {
      const fields = Object.fromEntries(
        value.split(',').map(field => field.split('=') as [string, string]),
      );
      return { host: fields.ip, port: Number(fields.port) };
    });
}

async function writeFiles(host: EngineHost, files: Record<string, string>) {
  for (const [name, content] of Object.entries(files)) {
    await host.writeFile(name, content);
  }
}
