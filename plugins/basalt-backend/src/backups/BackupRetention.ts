import { LoggerService } from '@backstage/backend-plugin-api';
import { BackupRecord, backupPolicyOf } from '@basalt/plugin-basalt-common';
import { EngineDriver } from '@basalt/plugin-basalt-node';
import { BackupStore, StoredBackup } from '../store';
import { BackupRepositories } from './BackupRepositories';
import { backupPrefix, logPrefix } from './backupKeys';
import { expiredBackups } from './retention';

/**
 * Applies `spec.backup.retention`: removes the backups of each cluster
 * name that ended longer ago than its retention (a deleted cluster's by
 * the retention of its last manifest), never the newest completed one, and
 * then the archived log that no physical backup each cluster still has
 * needs (which its engine's driver decides).
 */
export class BackupRetention {
  constructor(
    private readonly deps: {
      backups: BackupStore;
      repositories: BackupRepositories;
      /** The installed drivers, which know their engine's archived log. */
      drivers: ReadonlyMap<string, EngineDriver>;
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
      const engine = backups[0].manifest.spec.engine;
      await this.#pruneArchivedLog(
        engine,
        records.filter(r => !expired.includes(r)),
      );
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

  /**
   * Per cluster uid: the archived log no retained physical backup needs
   * goes, as the engine's driver decides.
   */
  async #pruneArchivedLog(
    engine: string,
    retained: BackupRecord[],
  ): Promise<void> {
    const backups = this.deps.drivers.get(engine)?.backups;
    if (!backups) return; // the engine's module is gone: keep its log
    for (const uid of new Set(retained.map(r => r.cluster.uid))) {
      const physical = retained.filter(
        r => r.cluster.uid === uid && r.phase === 'Completed' && r.log,
      );
      if (physical.length === 0) continue;
      const { cluster, repository: name } = physical[0];
      const repository = this.deps.repositories.get(name);
      const prefix = logPrefix(cluster);
      const files = (await repository.list(prefix)).map(object =>
        object.key.slice(prefix.length),
      );
      const starts = physical.map(r => r.log!.start);
      for (const file of backups.unneededArchivedLog(files, starts)) {
        await repository.delete(`${prefix}${file}`);
      }
    }
  }
}
