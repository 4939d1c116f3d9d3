import { LoggerService } from '@backstage/backend-plugin-api';
import {
  BackupRecord,
  OWNER_ANNOTATION,
  backupPolicyOf,
  clusterRefOf,
} from '@basalt/plugin-basalt-common';
import { CronTime } from 'cron';
import {
  BackupStore,
  ClusterStore,
  StoredBackup,
  StoredCluster,
} from '../store';
import { BackupRepositories } from './BackupRepositories';
import { BackupRunner } from './BackupRunner';
import { backupPrefix, walPrefix } from './backupKeys';
import { ClusterAccessor } from './clusterAccess';
import { expiredBackups } from './retention';
import { segmentOf } from './walFiles';

// A running backup renews its heartbeat every second; one silent this long
// was interrupted (its backend stopped).
const STALE_AFTER_MS = 60_000;

/**
 * One pass of backup housekeeping, run by the Backstage scheduler on one
 * backend at a time: fails backups whose backend stopped, starts the
 * scheduled backups that are due, and applies retention (expired backups
 * and the WAL no retained backup needs).
 */
export class BackupScheduler {
  constructor(
    private readonly deps: {
      clusters: ClusterStore;
      backups: BackupStore;
      repositories: BackupRepositories;
      runner: BackupRunner;
      accessor: ClusterAccessor;
      logger: LoggerService;
      now?: () => number;
    },
  ) {}

  async runOnce(): Promise<void> {
    const now = this.deps.now?.() ?? Date.now();
    await this.deps.backups.failStale(
      new Date(now - STALE_AFTER_MS).toISOString(),
    );
    for (const uid of await this.deps.clusters.listUids()) {
      const stored = await this.deps.clusters.getByUid(uid);
      if (stored) await this.#startIfDue(stored, now);
    }
    await this.#applyRetention(now);
  }

  /** Starts the cluster's scheduled backup when its schedule says so. */
  async #startIfDue(stored: StoredCluster, now: number): Promise<void> {
    const { cluster } = stored;
    const { schedule } = backupPolicyOf(cluster.spec);
    if (!schedule || cluster.metadata.deletionTimestamp) return;
    const since =
      (await this.deps.backups.lastScheduledStart(cluster.metadata.uid)) ??
      cluster.metadata.creationTimestamp;
    const due = new CronTime(schedule, 'UTC')
      .getNextDateFrom(new Date(since))
      .toMillis();
    if (due > now) return;
    try {
      const access = await this.deps.accessor.primary(
        cluster,
        stored.primaryInstance,
      );
      await this.deps.runner.start(
        access,
        cluster.metadata.annotations[OWNER_ANNOTATION],
        { trigger: 'scheduled', requestedBy: 'basalt:scheduler' },
      );
    } catch (error) {
      this.deps.logger.warn(
        `Scheduled backup of EngineCluster ${clusterRefOf(
          cluster,
        )} did not start: ${(error as Error).message}`,
      );
    }
  }

  /**
   * Removes expired backups of every cluster name (a deleted cluster's by
   * the retention of its last manifest), then archived WAL older than the
   * oldest physical backup each cluster still has.
   */
  async #applyRetention(now: number): Promise<void> {
    const byCluster = new Map<string, StoredBackup[]>();
    for (const backup of await this.deps.backups.listAll()) {
      const ref = `${backup.record.cluster.namespace}/${backup.record.cluster.name}`;
      byCluster.set(ref, [...(byCluster.get(ref) ?? []), backup]);
    }
    for (const backups of byCluster.values()) {
      // Newest first: the newest manifest says how long to keep them.
      const { retention } = backupPolicyOf(backups[0].manifest.spec);
      if (!retention) continue;
      const expired = expiredBackups(
        backups.map(b => b.record),
        retention,
        now,
      );
      for (const record of expired) await this.#remove(record);
      await this.#pruneWal(
        backups.map(b => b.record).filter(r => !expired.includes(r)),
      );
    }
  }

  async #remove(record: BackupRecord): Promise<void> {
    const repository = this.deps.repositories.get(record.repository);
    for (const object of await repository.list(
      backupPrefix(record.cluster, record.id),
    )) {
      await repository.delete(object.key);
    }
    await this.deps.backups.remove(record.id);
    this.deps.logger.info(
      `Removed backup ${record.id} of ${record.cluster.namespace}/${record.cluster.name}: older than its retention`,
    );
  }

  /** Per cluster uid: WAL before its oldest retained physical backup goes. */
  async #pruneWal(retained: BackupRecord[]): Promise<void> {
    const uids = new Set(retained.map(r => r.cluster.uid));
    for (const uid of uids) {
      const physical = retained.filter(
        r => r.cluster.uid === uid && r.phase === 'Completed' && r.wal,
      );
      if (physical.length === 0) continue;
      const oldest = physical.map(r => segmentOf(r.wal!.start)).sort()[0];
      const { cluster, repository: name } = physical[0];
      const repository = this.deps.repositories.get(name);
      const prefix = walPrefix(cluster);
      for (const object of await repository.list(prefix)) {
        const file = object.key.slice(prefix.length);
        if (/^[0-9A-F]{24}/.test(file) && file.slice(8, 24) < oldest) {
          await repository.delete(object.key);
        }
      }
    }
  }
}
