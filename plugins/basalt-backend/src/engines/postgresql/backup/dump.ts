import { Transform } from 'node:stream';
import {
  BackupSink,
  BackupSource,
  EngineAddress,
  EngineContext,
} from '@basalt/plugin-basalt-node';
import { formatBytes } from '@basalt/plugin-basalt-common';
import { Timeouts, withClient } from '../connection';
import { runClientTool } from '../../clientTool';
import { postgresToolEnvironment } from './clientEnvironment';

const DUMP_SUFFIX = '.dump';
const TOOL_TIMEOUT_MS = 12 * 60 * 60_000;

interface DumpOptions {
  binDir: string;
  context: EngineContext;
  timeouts: Timeouts;
}

/** The object name of a database's dump. */
function dumpObjectName(database: string): string {
  return `${database}${DUMP_SUFFIX}`;
}

/** Passes bytes through, counting them. */
class ByteCounter extends Transform {
  bytes = 0;

  _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ) {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

/**
 * Streams one `pg_dump --format=custom` per database of the manifest into
 * `sink`, one after the other, as the superuser.
 */
export async function backupLogical(
  options: DumpOptions & {
    source: EngineAddress;
    sink: BackupSink;
    signal?: AbortSignal;
  },
): Promise<void> {
  const { source, context, sink } = options;
  const { superuser } = context.credentials;
  for (const database of context.spec.databases) {
    options.signal?.throwIfAborted();
    await runClientTool(
      {
        binDir: options.binDir,
        program: 'pg_dump',
        args: [
          `--host=${source.host}`,
          `--port=${source.port}`,
          `--username=${superuser.username}`,
          `--dbname=${database}`,
          '--format=custom',
          '--no-password',
        ],
        env: postgresToolEnvironment(superuser.password),
        signal: options.signal,
        timeoutMs: TOOL_TIMEOUT_MS,
      },
      stdout => sink.write(dumpObjectName(database), stdout),
    );
  }
}

/**
 * Loads every `<database>.dump` of `backup` into the primary: drops what an
 * interrupted earlier attempt left of the database, then has `pg_restore
 * --create` create and fill it from the dump streamed into its standard
 * input. Ownership and privileges are not restored: the manifest's
 * accounts get theirs from `ensureDatabasesAndAccounts` afterwards.
 */
export async function restoreLogical(
  options: DumpOptions & {
    primary: EngineAddress;
    backup: BackupSource;
    signal?: AbortSignal;
  },
): Promise<string[]> {
  const { primary, context, backup } = options;
  const { superuser } = context.credentials;
  const done: string[] = [];
  for (const object of backup.objects) {
    if (!object.endsWith(DUMP_SUFFIX)) continue;
    options.signal?.throwIfAborted();
    const database = object.slice(0, -DUMP_SUFFIX.length);
    await withClient(primary, superuser, options.timeouts, client =>
      client.query(
        `DROP DATABASE IF EXISTS ${client.escapeIdentifier(
          database,
        )} WITH (FORCE)`,
      ),
    );
    const counter = new ByteCounter();
    const body = (await backup.open(object)).on('error', error =>
      counter.destroy(error),
    );
    await runClientTool({
      binDir: options.binDir,
      program: 'pg_restore',
      args: [
        `--host=${primary.host}`,
        `--port=${primary.port}`,
        `--username=${superuser.username}`,
        '--dbname=postgres',
        '--create',
        '--no-owner',
        '--no-privileges',
        '--exit-on-error',
        '--no-password',
      ],
      env: postgresToolEnvironment(superuser.password),
      signal: options.signal,
      stdin: body.pipe(counter),
      timeoutMs: TOOL_TIMEOUT_MS,
    });
    done.push(`Restored database ${database} (${formatBytes(counter.bytes)})`);
  }
  return done;
}
