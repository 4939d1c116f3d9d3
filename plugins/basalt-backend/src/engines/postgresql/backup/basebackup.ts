import {
  BackupSink,
  EngineAddress,
  EngineContext,
  PhysicalBackupInfo,
} from '@basalt/plugin-basalt-node';
import { ensureReplicationRole } from '../accounts';
import { Timeouts, withClient } from '../connection';
import { BackupToolError, runClientTool } from '../../clientTool';
import { postgresToolEnvironment } from './clientEnvironment';

/** The object a physical backup consists of. */
export const BASE_OBJECT = 'base.tar.gz';

const BASEBACKUP_TIMEOUT_MS = 12 * 60 * 60_000;

/**
 * How a physical backup runs `pg_basebackup` (besides where it connects):
 * a gzip-compressed tar of the data directory on standard output, with the
 * WAL the copy needs.
 */
export const BASEBACKUP_ARGS = [
  '--pgdata=-',
  '--format=tar',
  '--wal-method=fetch',
  // Level 1: most of gzip's gain for a fraction of its time.
  '--compress=client-gzip:1',
  '--checkpoint=fast',
  '--label=basalt',
  '--verbose',
  '--no-password',
] as const;

/**
 * Streams a physical backup of the instance at `source` into `sink` as one
 * gzip-compressed tar of its data directory, with the WAL needed to make it
 * consistent inside (`--wal-method=fetch`: the only method that can write a
 * tar to standard output). That WAL is read at the end of the backup, so
 * the source must still have it: `wal_keep_size` (configuration.ts) and
 * WAL archiving keep it for backups that write less than that meanwhile.
 */
export async function backupPhysical(options: {
  binDir: string;
  source: EngineAddress;
  context: EngineContext;
  sink: BackupSink;
  timeouts: Timeouts;
  signal?: AbortSignal;
}): Promise<PhysicalBackupInfo> {
  const { source, context, sink } = options;
  const { superuser, replication } = context.credentials;
  // Backups stream as the replication account, which the source may not
  // have yet (its accounts may not have been reconciled).
  await withClient(source, superuser, options.timeouts, client =>
    ensureReplicationRole(client, replication),
  );
  const stderr = await runClientTool(
    {
      binDir: options.binDir,
      program: 'pg_basebackup',
      args: [
        `--host=${source.host}`,
        `--port=${source.port}`,
        `--username=${replication.username}`,
        ...BASEBACKUP_ARGS,
      ],
      env: postgresToolEnvironment(replication.password),
      signal: options.signal,
      timeoutMs: BASEBACKUP_TIMEOUT_MS,
    },
    stdout => sink.write(BASE_OBJECT, stdout),
  );
  return parseBackupPositions(stderr);
}

const START =
  /write-ahead log start point: ([0-9A-F]+\/[0-9A-F]+) on timeline (\d+)/;
const END = /write-ahead log end point: ([0-9A-F]+\/[0-9A-F]+)/;

/**
 * Reads the WAL span from pg_basebackup's `--verbose` output, e.g.
 * `pg_basebackup: write-ahead log start point: 0/2000028 on timeline 1`.
 */
export function parseBackupPositions(stderr: string): PhysicalBackupInfo {
  const start = START.exec(stderr);
  const end = END.exec(stderr);
  if (!start || !end) {
    throw new BackupToolError(
      'pg_basebackup succeeded but did not report its write-ahead log start and end points',
    );
  }
  return {
    start: start[1],
    end: end[1],
    details: { timeline: Number(start[2]) },
  };
}
