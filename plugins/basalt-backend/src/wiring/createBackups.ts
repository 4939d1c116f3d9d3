import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { RegionProfile } from '@basalt/plugin-basalt-common';
import { EngineDriver, Runtime } from '@basalt/plugin-basalt-node';
import { Knex } from 'knex';
import { BackupRepositories } from '../backups/BackupRepositories';
import { BackupRetention } from '../backups/BackupRetention';
import { BackupRunner } from '../backups/BackupRunner';
import { BackupScheduler } from '../backups/BackupScheduler';
import { BackupVerifier } from '../backups/BackupVerifier';
import { ClusterAccessor } from '../backups/clusterAccess';
import { FinalBackup } from '../backups/FinalBackup';
import { readRepositoryConfig } from '../backups/readRepositoryConfig';
import { RestorePlanner } from '../backups/RestorePlanner';
import { LogArchiver } from '../backups/LogArchiver';
import { BasaltConfig } from '../config';
import { ControllerBackups } from '../controller';
import {
  BackupStore,
  ClusterStore,
  EventStore,
  LifecycleStore,
} from '../store';

/** The backup parts of the backend, wired together. */
export interface Backups {
  repositories: BackupRepositories;
  store: BackupStore;
  runner: BackupRunner;
  accessor: ClusterAccessor;
  archiver: LogArchiver;
  scheduler: BackupScheduler;
  /** What the lifecycle controller uses. */
  controller: ControllerBackups;
}

/** Creates the backup repositories from config and everything using them. */
export function createBackups(options: {
  config: Config;
  settings: BasaltConfig;
  knex: Knex;
  clusters: ClusterStore;
  events: EventStore;
  runtime: Runtime;
  drivers: Map<string, EngineDriver>;
  profiles: RegionProfile[];
  logger: LoggerService;
}): Backups {
  const { knex, clusters, events, runtime, drivers, profiles, logger } =
    options;
  const repositories = new BackupRepositories(
    readRepositoryConfig(options.config, {
      defaultPath: options.settings.backups.defaultPath,
    }),
  );
  const store = new BackupStore(knex);
  const lifecycle = new LifecycleStore(knex);
  const accessor = new ClusterAccessor({ runtime, drivers, profiles });
  const runner = new BackupRunner({
    backups: store,
    repositories,
    events,
    logger,
  });
  const archiver = new LogArchiver({
    clusters,
    backups: store,
    runtime,
    drivers,
    accessor,
    repositories,
    logger,
  });
  const planner = new RestorePlanner({
    backups: store,
    repositories,
    drivers: options.drivers,
  });
  const finalBackup = new FinalBackup({
    accessor,
    runner,
    verifier: new BackupVerifier({ runtime, repositories }),
    archiver,
    backups: store,
    lifecycle,
  });
  const scheduler = new BackupScheduler({
    clusters,
    backups: store,
    retention: new BackupRetention({
      backups: store,
      repositories,
      drivers: options.drivers,
      logger,
    }),
    runner,
    accessor,
    logger,
  });
  return {
    repositories,
    store,
    runner,
    accessor,
    archiver,
    scheduler,
    controller: { store, lifecycle, planner, finalBackup, archiver },
  };
}

/**
 * Schedules backup housekeeping (due scheduled backups, retention, stale
 * backups) on one backend at a time, and log archiving on the controller's
 * leader, which the local runtime's spool belongs with.
 */
export async function scheduleBackupTasks(options: {
  scheduler: SchedulerService;
  settings: BasaltConfig;
  backups: Backups;
  isLeader: () => boolean;
  signal: AbortSignal;
}): Promise<void> {
  const { scheduler, settings, backups, isLeader, signal } = options;
  const { housekeepingIntervalMs, logArchiveIntervalMs } = settings.backups;
  await scheduler.scheduleTask({
    id: 'basalt-backups-housekeeping',
    frequency: { milliseconds: housekeepingIntervalMs },
    timeout: { milliseconds: Math.max(housekeepingIntervalMs * 4, 120_000) },
    scope: 'global',
    signal,
    fn: () => backups.scheduler.runOnce(),
  });
  await scheduler.scheduleTask({
    id: 'basalt-log-archiver',
    frequency: { milliseconds: logArchiveIntervalMs },
    timeout: { milliseconds: Math.max(logArchiveIntervalMs * 12, 300_000) },
    scope: 'local',
    signal,
    fn: async () => {
      if (isLeader()) await backups.archiver.archiveAll();
      else await backups.archiver.stopStreams();
    },
  });
  signal.addEventListener('abort', () => void backups.archiver.stopStreams());
}

/**
 * What permission rules need of `namespace/name` refs: the cluster's
 * owner, or for a cluster that is gone, the owner recorded with its newest
 * backup, so a deleted cluster's backups stay its owner's.
 */
export async function permissionResources(
  refs: string[],
  clusters: ClusterStore,
  backups: BackupStore,
): Promise<Array<{ ref: string; owner: string } | undefined>> {
  const found = await clusters.permissionResources(refs);
  const missing = refs.filter((_, i) => !found[i]);
  const owners = await backups.ownersOf(missing);
  return refs.map((ref, i) => {
    if (found[i]) return found[i];
    const owner = owners.get(ref);
    return owner === undefined ? undefined : { ref, owner };
  });
}
