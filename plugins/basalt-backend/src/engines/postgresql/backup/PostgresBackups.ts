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
import { Timeouts } from '../connection';
import { selectWalFiles, unneededWalFiles } from './archivedWal';
import { backupPhysical } from './basebackup';
import { checkRestored } from './checkRestored';
import { backupLogical, restoreLogical } from './dump';
import { restorePhysical } from './restorePhysical';

/** What {@link PostgresBackups} needs from its driver. */
export interface PostgresBackupsOptions {
  /** Where the client tools the backend runs itself are. */
  binDir: string;
  timeouts: Timeouts;
  /**
   * What the driver writes into an instance's data directory, by file name:
   * its own postgresql.conf and pg_hba.conf, and the cluster's TLS material.
   */
  dataFiles(host: EngineHost, context: EngineContext): Record<string, string>;
}

/**
 * Backup and restore of PostgreSQL: physical backups with `pg_basebackup`
 * (the basis of point-in-time recovery with archived WAL), logical ones
 * with `pg_dump`, one per database. The client tools run on the backend's
 * host, with the password in their environment only.
 */
export class PostgresBackups implements EngineBackups {
  readonly clientPrograms = ['pg_basebackup', 'pg_dump', 'pg_restore'];
  /** `archive_command` copies each completed WAL file into the spool. */
  readonly logArchiving = 'pushed';

  constructor(private readonly options: PostgresBackupsOptions) {}

  selectArchivedLog(files: string[], start: string): string[] {
    return selectWalFiles(files, start);
  }

  unneededArchivedLog(files: string[], starts: string[]): string[] {
    return unneededWalFiles(files, starts);
  }

  /** pg_basebackup runs on the backend, streaming from `source`'s address. */
  backupPhysical(
    source: BackupOrigin,
    context: EngineContext,
    sink: BackupSink,
    signal?: AbortSignal,
  ): Promise<PhysicalBackupInfo> {
    const { binDir, timeouts } = this.options;
    return backupPhysical({
      binDir,
      source: source.address,
      context,
      sink,
      timeouts,
      signal,
    });
  }

  backupLogical(
    source: EngineAddress,
    context: EngineContext,
    sink: BackupSink,
    signal?: AbortSignal,
  ): Promise<void> {
    const { binDir, timeouts } = this.options;
    return backupLogical({ binDir, source, context, sink, timeouts, signal });
  }

  restorePhysical(
    host: EngineHost,
    context: EngineContext,
    backup: BackupSource,
    options: PhysicalRestoreOptions,
  ): Promise<void> {
    // Rendered first: a bad parameter fails before any work is done.
    const files = this.options.dataFiles(host, context);
    return restorePhysical(host, context, backup, options, files);
  }

  restoreLogical(
    primary: EngineAddress,
    context: EngineContext,
    backup: BackupSource,
    signal?: AbortSignal,
  ): Promise<string[]> {
    const { binDir, timeouts } = this.options;
    return restoreLogical({
      binDir,
      primary,
      context,
      backup,
      timeouts,
      signal,
    });
  }

  checkRestored(
    address: EngineAddress,
    context: EngineContext,
  ): Promise<string> {
    return checkRestored(address, context, this.options.timeouts);
  }
}
