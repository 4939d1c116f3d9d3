import { InputError } from '@backstage/errors';
import {
  ArchivedLogSource,
  BackupSource,
  EngineContext,
  EngineHost,
  PhysicalRestoreOptions,
} from '@basalt/plugin-basalt-node';
import { quote, shellQuote } from '../configuration';
import { BASE_OBJECT } from './basebackup';
import { withMaintenanceServer } from './maintenanceServer';
import { renderAccountsSql } from './restoreAccounts';

/** Where archived WAL is staged in the data directory during a restore. */
const STAGING_DIR = 'basalt_restore_wal';
// WAL segments (also `.partial`), backup history files (e.g.
// `000000010000000000000002.00000028.backup`), timeline histories.
const WAL_FILE_NAME =
  /^[0-9A-F]{8}([0-9A-F]{16}(\.partial|\.[0-9A-F]{8}\.backup)?|\.history)$/;

const EMPTY_AUTO_CONF =
  '# Written by Basalt: settings changed with ALTER SYSTEM go here.\n';

/**
 * Creates an instance's data from a physical backup: unpacks the base
 * backup into the empty data directory, replaces the source's
 * configuration with this instance's own (`files`), recovers (to the end of
 * the backup, or through archived WAL to `options.targetTime` or the
 * archive's end) on a maintenance server, and gives Basalt's accounts this
 * cluster's passwords there. Leaves a stopped primary without recovery
 * settings.
 */
export async function restorePhysical(
  host: EngineHost,
  context: EngineContext,
  backup: BackupSource,
  options: PhysicalRestoreOptions,
  files: Record<string, string>,
): Promise<void> {
  if (options.targetTime && !options.archive) {
    throw new InputError(
      'A restore to a point in time needs archived WAL to replay',
    );
  }
  if (!backup.objects.includes(BASE_OBJECT)) {
    throw new InputError(
      `The backup has no ${BASE_OBJECT}; it is not a physical backup`,
    );
  }
  await host.unpack(await backup.open(BASE_OBJECT));
  // The source's own settings (e.g. synchronous_standby_names, or writes
  // locked for a final backup) must not follow its data, nor may it come
  // up as a standby of the source.
  await host.writeFile('postgresql.auto.conf', EMPTY_AUTO_CONF);
  await host.remove('standby.signal');
  await host.remove('recovery.signal');
  for (const [name, content] of Object.entries(files)) {
    await host.writeFile(name, content);
  }
  if (options.archive) {
    await stageArchive(host, options.archive);
    await host.writeFile(
      'postgresql.auto.conf',
      renderRecoverySettings(host.dataDir, options.targetTime),
    );
    await host.writeFile('recovery.signal', '');
  }
  await withMaintenanceServer(
    host,
    context.credentials.superuser.username,
    runSql => runSql(renderAccountsSql(context)),
  );
  await host.remove(STAGING_DIR);
  await host.remove('recovery.signal');
  await host.writeFile('postgresql.auto.conf', EMPTY_AUTO_CONF);
}

/** Copies the archived WAL into the data directory, where recovery reads it. */
async function stageArchive(
  host: EngineHost,
  archive: ArchivedLogSource,
): Promise<void> {
  for (const name of archive.files) {
    if (!WAL_FILE_NAME.test(name)) {
      throw new InputError(`'${name}' is not the name of a WAL file`);
    }
    await host.writeFileFrom(
      `${STAGING_DIR}/${name}`,
      await archive.open(name),
    );
  }
}

/**
 * Archive recovery from the staged WAL. `latest` follows the timelines the
 * archive has; with a target time, recovery stops before the first commit
 * after it and promotes, starting a new timeline.
 */
export function renderRecoverySettings(
  dataDir: string,
  targetTime?: string,
): string {
  const staged = `${dataDir}/${STAGING_DIR}/%f`;
  // A missing file must fail quietly: recovery asks for files beyond the
  // archive's end, and for timeline histories that may not exist.
  const restoreCommand = `test -f ${shellQuote(staged)} && cp ${shellQuote(
    staged,
  )} %p`;
  return [
    '# Written by Basalt for a restore; removed once it is done.',
    `restore_command = ${quote(restoreCommand)}`,
    "recovery_target_timeline = 'latest'",
    ...(targetTime
      ? [
          `recovery_target_time = ${quote(postgresTime(targetTime))}`,
          "recovery_target_action = 'promote'",
        ]
      : []),
    '',
  ].join('\n');
}

/**
 * An ISO 8601 time as PostgreSQL reads `recovery_target_time`: with a
 * numeric zone, since time zone abbreviations such as `Z` are not loaded
 * yet when the server checks its configuration at startup.
 */
export function postgresTime(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/i, '+00:00');
}
