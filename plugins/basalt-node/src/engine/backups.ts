import { Readable } from 'stream';
import { BackupLogSpan } from '@basalt/plugin-basalt-common';
import type { EngineHost } from './host';
import type { EngineAddress, EngineContext } from './types';

/**
 * Where a driver writes a backup's objects. Each object is streamed once;
 * the caller stores it in the backup repository, computing its size and
 * SHA-256 on the way, and resolves when it is safely stored.
 *
 * @public
 */
export interface BackupSink {
  /**
   * Stores one object of the backup under `name` (e.g. `base.tar.gz` or
   * `<database>.dump`). Rejects when the repository fails; the driver then
   * stops and rejects too.
   */
  write(name: string, body: Readable): Promise<void>;
}

/**
 * What a driver reads a backup's objects from. Every stream checks the
 * object's size and SHA-256 as it is read and fails at its end with a
 * `BackupCorruptedError` when they differ, so a restore that reads an
 * object to its end has read exactly what was backed up.
 *
 * @public
 */
export interface BackupSource {
  /** Names of the backup's objects, as the driver wrote them. */
  readonly objects: string[];
  open(name: string): Promise<Readable>;
}

/**
 * The engine's archived log (WAL for PostgreSQL) a point-in-time restore
 * replays after the base backup, with the same checking as
 * {@link BackupSource}.
 *
 * @public
 */
export interface ArchivedLogSource {
  /** File names in the archive, in the engine's naming, oldest first. */
  readonly files: string[];
  open(name: string): Promise<Readable>;
}

/**
 * What a physical backup spans in the engine's log, for restores and
 * point-in-time recovery; recorded with the backup as its `log`.
 *
 * @public
 */
export type PhysicalBackupInfo = BackupLogSpan;

/**
 * How an engine's log reaches its cluster's archive, for point-in-time
 * recovery:
 *
 * - `pushed`: the engine on each instance copies every log file it
 *   completes into the instance's spool itself (`Runtime.archive`), as
 *   PostgreSQL's `archive_command` does; Basalt moves them on to the
 *   repository.
 * - `streamed`: Basalt reads the log from the primary as it is written,
 *   through {@link EngineBackups.streamLog}, as a replication client reads
 *   a MariaDB binlog; files go to the repository as they complete.
 *
 * @public
 */
export type LogArchiving = 'pushed' | 'streamed';

/**
 * What {@link EngineBackups.streamLog} streams with.
 *
 * @public
 */
export interface LogStreamOptions {
  /**
   * The names of the files already in the cluster's archive, in any order
   * (from earlier streams, possibly of former primaries): the stream
   * continues after the newest of them that the primary still has, so
   * nothing is archived twice and nothing is skipped.
   */
  archived: string[];
  /**
   * Stores one complete log file in the archive under `name` (the engine's
   * naming, which the driver's {@link EngineBackups.selectArchivedLog}
   * reads). Files come in log order; the stream waits for each. Rejects
   * when the repository fails; the stream then stops and rejects too.
   */
  archive(name: string, content: Readable): Promise<void>;
  /** Ends the stream: the promise then resolves. */
  signal: AbortSignal;
}

/**
 * The running instance a backup is taken from.
 *
 * @public
 */
export interface BackupOrigin {
  /** Where the backend reaches it. */
  address: EngineAddress;
  /** A host beside its data (see `Runtime.instanceHost`). */
  host(): Promise<EngineHost>;
}

/**
 * How a physical restore recovers: to the end of the backup (no
 * `archive`), or by replaying archived log up to `targetTime` (or to the
 * archive's end when absent).
 *
 * @public
 */
export interface PhysicalRestoreOptions {
  archive?: ArchivedLogSource;
  /** ISO 8601; recovery stops before the first commit after it. */
  targetTime?: string;
}

/**
 * Backup and restore support of an engine driver.
 *
 * @public
 */
export interface EngineBackups {
  /**
   * Engine programs run on the backend's host (client tools such as
   * `pg_basebackup` and `pg_dump`), checked before a backup starts.
   */
  readonly clientPrograms: string[];
  /**
   * How the log reaches the archive, for an engine whose capabilities
   * declare point-in-time recovery; `streamed` needs
   * {@link EngineBackups.streamLog}.
   */
  readonly logArchiving?: LogArchiving;
  /**
   * Streams the log of the running primary `primary` into the archive
   * (`logArchiving: 'streamed'`), each file once it is complete, until
   * `options.signal` aborts (it then resolves). Rejects when the primary
   * stops serving its log or the archive fails; Basalt starts it again,
   * from the new primary after a failover.
   */
  streamLog?(
    primary: BackupOrigin,
    context: EngineContext,
    options: LogStreamOptions,
  ): Promise<void>;
  /**
   * Takes a physical backup of the running instance `source`, streamed
   * into `sink` as it is produced, and resolves with the log positions it
   * spans. The engine's tool runs on the backend against the instance's
   * address, or beside its data through `source.host()` where it must
   * (streaming out through `EngineHost.spawn`). Rejects (after stopping the
   * tool) when the tool or the sink fails, or when `signal` aborts.
   */
  backupPhysical(
    source: BackupOrigin,
    context: EngineContext,
    sink: BackupSink,
    signal?: AbortSignal,
  ): Promise<PhysicalBackupInfo>;
  /** Takes a logical backup (one object per database) of `source`. */
  backupLogical(
    source: EngineAddress,
    context: EngineContext,
    sink: BackupSink,
    signal?: AbortSignal,
  ): Promise<void>;
  /**
   * Creates a new instance's data from a physical backup, in the empty data
   * directory of `host`, recovered as `options` say and ready to start as a
   * primary with `context`'s configuration and credentials (the backup's
   * own passwords no longer work for Basalt's accounts).
   */
  restorePhysical(
    host: EngineHost,
    context: EngineContext,
    backup: BackupSource,
    options: PhysicalRestoreOptions,
  ): Promise<void>;
  /**
   * Loads a logical backup into the running primary at `primary`, which has
   * none of the backup's databases yet; a database that was half-loaded by
   * an earlier, interrupted attempt is dropped and loaded again. Resolves
   * with what it did, in words, for events. Aborted by `signal`, it stops
   * the load and rejects; the next attempt drops what it left.
   */
  restoreLogical(
    primary: EngineAddress,
    context: EngineContext,
    backup: BackupSource,
    signal?: AbortSignal,
  ): Promise<string[]>;
  /**
   * Of the files in a cluster's archived log (as the engine named them),
   * those a restore from a backup whose log starts at `start` replays, in
   * the order it replays them.
   */
  selectArchivedLog(files: string[], start: string): string[];
  /**
   * Of the files in a cluster's archived log, those that no restore from a
   * backup starting at one of `starts` (the retained physical backups) can
   * need, which retention removes.
   */
  unneededArchivedLog(files: string[], starts: string[]): string[];
  /**
   * Checks that an instance restored for a test answers and holds the
   * manifest's databases; resolves with a summary (e.g. `3 databases, 12
   * tables`) or rejects saying what is missing.
   */
  checkRestored(
    address: EngineAddress,
    context: EngineContext,
  ): Promise<string>;
}
