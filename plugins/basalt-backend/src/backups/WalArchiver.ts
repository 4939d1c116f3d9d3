import { LoggerService } from '@backstage/backend-plugin-api';
import { backupPolicyOf, clusterRefOf } from '@basalt/plugin-basalt-common';
import { ArchiveSpool, ClusterKey, Runtime } from '@basalt/plugin-basalt-node';
import { BackupStore, ClusterStore } from '../store';
import { BackupRepositories } from './BackupRepositories';
import { walPrefix } from './backupKeys';
import { KeyedMutex } from '../runtime/KeyedMutex';

/**
 * Continuous WAL archiving: moves the WAL files each cluster's instances
 * left in their archive spool into the cluster's backup repository, under
 * `<namespace>/<name>/<uid>/wal/`, and removes them from the spool once
 * stored. Point-in-time restores replay them. Runs on the controller's
 * leader; a file that fails to upload stays spooled and is tried again.
 */
export class WalArchiver {
  readonly #serial = new KeyedMutex();

  constructor(
    private readonly deps: {
      clusters: ClusterStore;
      backups: BackupStore;
      runtime: Runtime;
      repositories: BackupRepositories;
      logger: LoggerService;
    },
  ) {}

  /** Archives the spooled files of every cluster that archives WAL. */
  async archiveAll(): Promise<void> {
    const { spool } = this;
    if (!spool) return;
    for (const uid of await this.deps.clusters.listUids()) {
      const stored = await this.deps.clusters.findByUid(uid);
      if (!stored) continue;
      try {
        await this.archive(stored.cluster);
      } catch (error) {
        this.deps.logger.warn(
          `Could not archive WAL of EngineCluster ${clusterRefOf(
            stored.cluster,
          )}: ${(error as Error).message}`,
        );
      }
    }
  }

  /**
   * Archives one cluster's spooled files now; resolves once every file
   * spooled so far is in the repository. Concurrent calls for one cluster
   * run one after the other.
   *
   * @returns the number of files archived.
   */
  async archive(cluster: {
    metadata: ClusterKey;
    spec: Parameters<typeof backupPolicyOf>[0];
  }): Promise<number> {
    const { spool } = this;
    const policy = backupPolicyOf(cluster.spec);
    if (!spool || !policy.logArchiving) return 0;
    const key: ClusterKey = {
      namespace: cluster.metadata.namespace,
      name: cluster.metadata.name,
      uid: cluster.metadata.uid,
    };
    return this.#serial.run(key.uid, async () => {
      const repository = this.deps.repositories.get(policy.repository);
      const prefix = walPrefix(key);
      let archived = 0;
      for (const file of await spool.list(key)) {
        await repository.put(
          `${prefix}${file.name}`,
          await spool.open(key, file),
        );
        await spool.remove(key, file);
        archived += 1;
      }
      return archived;
    });
  }

  /**
   * Removes a deleted cluster's archived WAL when it has no completed
   * backup left to replay it onto; otherwise retention removes it with
   * the backups.
   */
  async discard(cluster: {
    metadata: ClusterKey;
    spec: Parameters<typeof backupPolicyOf>[0];
  }): Promise<void> {
    const { uid } = cluster.metadata;
    if (await this.deps.backups.latestCompleted(uid)) return;
    const { repository: name } = backupPolicyOf(cluster.spec);
    const repository = this.deps.repositories.get(name);
    for (const object of await repository.list(walPrefix(cluster.metadata))) {
      await repository.delete(object.key);
    }
  }

  private get spool(): ArchiveSpool | undefined {
    return this.deps.runtime.archive;
  }
}
