import { LoggerService } from '@backstage/backend-plugin-api';
import {
  OWNER_ANNOTATION,
  backupPolicyOf,
  clusterRefOf,
} from '@basalt/plugin-basalt-common';
import { CronTime } from 'cron';
import { BackupStore, ClusterStore, StoredCluster } from '../store';
import { BackupRetention } from './BackupRetention';
import { BackupRunner } from './BackupRunner';
import { ClusterAccessor } from './clusterAccess';

// A running backup renews its heartbeat every second; one silent this long
// was interrupted (its backend stopped).
const STALE_AFTER_MS = 60_000;

/**
 * One pass of backup housekeeping, run by the Backstage scheduler on one
 * backend at a time: fails backups whose backend stopped, starts the
 * scheduled backups that are due, and applies retention (expired backups
 * and the archived log no retained backup needs).
 */
export class BackupScheduler {
  constructor(
    private readonly deps: {
      clusters: ClusterStore;
      backups: BackupStore;
      retention: BackupRetention;
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
      const stored = await this.deps.clusters.findByUid(uid);
      if (stored) await this.#startIfDue(stored, now);
    }
    await this.deps.retention.apply(now);
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
}
