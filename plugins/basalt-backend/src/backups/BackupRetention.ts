import { LoggerService } from '@backstage/backend-plugin-api';
import { BackupRecord, backupPolicyOf } from '@basalt/plugin-basalt-common';
import { BackupStore, StoredBackup } from '../store';
import { BackupRepositories } from './BackupRepositories';
import { backupPrefix, walPrefix } from './backupKeys';
import { expiredBackups } from './retention';
import { segmentOf } from './walFiles';

/**
 * Applies `spec.backup.retention`: removes the backups of each cluster
 * name that ended longer ago than its retention (a deleted cluster's by
 * the retention of its last manifest), never the newest completed one, and
 * then the archived WAL older than the oldest physical backup each cluster
 * still has.
 */
export class BackupRetention {
  constructor(
    private readonly deps: {
      backups: BackupStore;
      repositories: BackupRepositories;
      logger: LoggerService;
    },
  ) {}

  async apply(now: number): Promise<void> {
    const byCluster = new Map<string, StoredBackup[]>();
    for (const backup of await this.deps.backups.listAll()) {
      const { namespace, name } = backup.record.cluster;
      const ref = `${namespace}/${name}`;
      byCluster.set(ref, [...(byCluster.get(ref) ?? []), backup]);
    }
    for (const backups of byCluster.values()) {
      // Newest first: the newest manifest says how long to keep them.
      const { retention } = backupPolicyOf(backups[0].manifest.spec);
      if (!retention) continue;
      const records = backups.map(b => b.record);
      const expired = expiredBackups(records, retention, now);
      for (const record of expired) await this.#remove(record);
      await this.#pruneWal(records.filter(r => !expired.includes(r)));
    }
  }

  async #remove(record: BackupRecord): Promise<void> {
    const repository = this.deps.repositories.get(record.repository);
    const prefix = backupPrefix(record.cluster, record.id);
    for (const object of await repository.list(prefix)) {
      await repository.delete(object.key);
    }
    await this.deps.backups.remove(record.id);
    this.deps.logger.info(
      `Removed backup ${record.id} of ${record.cluster.namespace}/${record.cluster.name}: older than its retention`,
    );
  }

  /** Per cluster uid: WAL before its oldest retained physical backup goes. */
  async #pruneWal(retained: BackupRecord[]): Promise<void> {
    for (const uid of new Set(retained.map(r => r.cluster.uid))) {
      const physical = retained.filter(
        r => r.cluster.uid === uid && r.phase === 'Completed' && r.wal,
      );
      if (physical.length === 0) continue;
      const oldest = physical.map(r => segmentOf(r.wal!.start)).sort()[0];
      const { cluster } = physical[0];
      const repository = this.deps.repositories.get(physical[0].repository);
      const prefix = walPrefix(cluster);
      for (const object of await repository.list(prefix)) {
        const file = object.key.slice(prefix.length);
        // Segments and their partial copies; history files stay.
        if (/^[0-9A-F]{24}/.test(file) && file.slice(8, 24) < oldest) {
          await repository.delete(object.key);
        }
      }
    }
  }
}
