import { NotImplementedError } from '@backstage/errors';
import {
  BackupOrigin,
  BackupSink,
  BackupSource,
  EngineAddress,
  EngineBackups,
  EngineContext,
  EngineHost,
  PhysicalBackupInfo,
  PhysicalRestoreOptions,
} from '@basalt/plugin-basalt-node';
import { runClientTool } from '../../clientTool';
import { withoutEofMark } from './eofMark';
import { pipeline } from 'node:stream';
import { REDIS_FILES } from '../configuration';
import { parseInfo, Timeouts, withSession } from '../connection';

/** The object a physical backup consists of: one RDB snapshot. */
export const SNAPSHOT_OBJECT = 'dump.rdb';

const SNAPSHOT_TIMEOUT_MS = 12 * 60 * 60_000;
// How long a restored instance may take to load its snapshot, and how
// often it is asked meanwhile.
const LOAD_TIMEOUT_MS = 30 * 60_000;
const LOAD_POLL_MS = 100;

// Redis 7's multi-part append-only file: a manifest naming its parts, the
// first of which (the base) may be an RDB snapshot.
const AOF_DIR = 'appendonlydir';
const AOF_MANIFEST = 'appendonly.aof.manifest';
const AOF_BASE = 'appendonly.aof.1.base.rdb';

const noop = () => {};

function appendOnly(context: EngineContext): boolean {
  return (context.spec.parameters.appendonly ?? 'on') === 'on';
}

/** What {@link RedisBackups} needs from its driver. */
export interface RedisBackupsOptions {
  /** Where `redis-cli`, which the backend runs itself, is. */
  binDir: string;
  timeouts: Timeouts;
  /** What the driver writes into a new instance's data directory. */
  dataFiles(host: EngineHost, context: EngineContext): Record<string, string>;
}

/**
 * Backup and restore of Redis: a physical backup is an RDB snapshot that
 * the server produces for `redis-cli --rdb` as it would for a new replica,
 * streamed from the backend into the repository; a restore puts it into a
 * new instance's data directory, where the server loads it at start.
 * Redis has no logical backups here and no point-in-time recovery.
 */
export class RedisBackups implements EngineBackups {
  readonly clientPrograms = ['redis-cli'];

  constructor(private readonly options: RedisBackupsOptions) {}

  /**
   * Streams a snapshot of `source` into the sink. Its span is the
   * replication offset before and after, between which the snapshot was
   * taken.
   */
  async backupPhysical(
    source: BackupOrigin,
    context: EngineContext,
    sink: BackupSink,
    signal?: AbortSignal,
  ): Promise<PhysicalBackupInfo> {
    const { superuser } = context.credentials;
    const start = await this.offset(source.address, context);
    await runClientTool(
      {
        binDir: this.options.binDir,
        program: 'redis-cli',
        args: [
          '-h',
          source.address.host,
          '-p',
          String(source.address.port),
          '--user',
          superuser.username,
          '--no-auth-warning',
          '--rdb',
          '-',
        ],
        env: { REDISCLI_AUTH: superuser.password },
        signal,
        timeoutMs: SNAPSHOT_TIMEOUT_MS,
      },
      stdout =>
        // pipeline, unlike pipe, fails the snapshot when redis-cli does.
        sink.write(SNAPSHOT_OBJECT, pipeline(stdout, withoutEofMark(), noop)),
    );
    const end = await this.offset(source.address, context);
    return { start, end };
  }

  backupLogical(): Promise<void> {
    return Promise.reject(
      new NotImplementedError('Redis has no logical backups in Basalt'),
    );
  }

  /**
   * Writes the snapshot and the instance's configuration into the empty
   * data directory, where Redis loads it at start: as the base of the
   * append-only file when that is on (Redis would otherwise start from the
   * empty log it creates and ignore the snapshot), as dump.rdb otherwise.
   */
  async restorePhysical(
    host: EngineHost,
    context: EngineContext,
    backup: BackupSource,
    options: PhysicalRestoreOptions,
  ): Promise<void> {
    if (options.archive || options.targetTime) {
      throw new NotImplementedError(
        'Redis restores to the end of a backup only; it has no point-in-time recovery',
      );
    }
    const snapshot = await backup.open(SNAPSHOT_OBJECT);
    if (appendOnly(context)) {
      await host.writeFileFrom(`${AOF_DIR}/${AOF_BASE}`, snapshot);
      await host.writeFile(
        `${AOF_DIR}/${AOF_MANIFEST}`,
        `file ${AOF_BASE} seq 1 type b\n`,
      );
    } else {
      await host.writeFileFrom(REDIS_FILES.snapshot, snapshot);
    }
    for (const [name, content] of Object.entries(
      this.options.dataFiles(host, context),
    )) {
      await host.writeFile(name, content);
    }
  }

  restoreLogical(): Promise<string[]> {
    return Promise.reject(
      new NotImplementedError('Redis has no logical backups in Basalt'),
    );
  }

  selectArchivedLog(): string[] {
    return [];
  }

  /** Redis archives no log: nothing in an archive serves a restore. */
  unneededArchivedLog(files: string[]): string[] {
    return files;
  }

  /**
   * Counts the restored instance's keys once it has loaded them: a server
   * answers `LOADING` while it reads a large snapshot at start.
   */
  async checkRestored(
    address: EngineAddress,
    context: EngineContext,
  ): Promise<string> {
    const deadline = Date.now() + LOAD_TIMEOUT_MS;
    for (;;) {
      try {
        const keys = await withSession(
          address,
          context.credentials.superuser,
          this.options.timeouts,
          session => session.command(['DBSIZE']),
        );
        return `${keys} keys`;
      } catch (error) {
        const loading = /^LOADING/.test((error as Error).message);
        if (!loading || Date.now() > deadline) throw error;
        await new Promise(resolve => setTimeout(resolve, LOAD_POLL_MS));
      }
    }
  }

  private offset(
    address: EngineAddress,
    context: EngineContext,
  ): Promise<string> {
    return withSession(
      address,
      context.credentials.superuser,
      this.options.timeouts,
      async session =>
        parseInfo(await session.command(['INFO', 'replication']))
          .master_repl_offset,
    );
  }
}
