import { InputError } from '@backstage/errors';
import { EngineCluster, RestoreSource } from '@basalt/plugin-basalt-common';
import {
  ArchivedLogSource,
  BackupSource,
  EngineDriver,
} from '@basalt/plugin-basalt-node';
import { BackupStore, StoredBackup } from '../store';
import { BackupRepositories } from './BackupRepositories';
import { logPrefix } from './backupKeys';
import { archivedLogSource, RepositorySource } from './repositorySource';

/** What restoring `spec.restore` takes. */
export interface RestorePlan {
  backup: StoredBackup;
  /** Replay the source's archived log after the backup (physical only). */
  replayArchive: boolean;
  /** ISO 8601; recover to this moment. */
  targetTime?: string;
  /** In words, for events and conditions. */
  description: string;
}

/**
 * Resolves `spec.restore` to a backup (and archived log) and opens them for
 * the engine's driver.
 */
export class RestorePlanner {
  constructor(
    private readonly deps: {
      backups: BackupStore;
      repositories: BackupRepositories;
      /** The installed drivers, which know their engine's archived log. */
      drivers: ReadonlyMap<string, EngineDriver>;
    },
  ) {}

  /**
   * The backup `source` names, checked against the new cluster's `spec`.
   *
   * @throws InputError naming the `spec.restore` field and what is wrong.
   */
  async plan(
    source: RestoreSource,
    spec: EngineCluster['spec'],
  ): Promise<RestorePlan> {
    const plan =
      'backup' in source
        ? await this.#fromBackup(source.backup)
        : await this.#fromCluster(source.cluster, source.time);
    const from = plan.backup.manifest.spec;
    if (from.engine !== spec.engine || from.version !== spec.version) {
      throw new InputError(
        `spec.engine: backup ${plan.backup.record.id} is of ${from.engine} ${from.version}; a restore needs the same engine and version, not ${spec.engine} ${spec.version}`,
      );
    }
    return plan;
  }

  /** The backup's objects, each checked against its checksum as it is read. */
  openBackup(plan: RestorePlan): BackupSource {
    const { record } = plan.backup;
    return new RepositorySource(
      this.deps.repositories.get(record.repository),
      record.objects ?? [],
    );
  }

  /**
   * Reads the backup's objects again and checks their checksums, to tell a
   * restore that failed because the backup is corrupted (an engine's tool
   * often fails on the bad bytes before the stream's own check is reached)
   * from one that may succeed when tried again.
   *
   * @throws BackupCorruptedError or NotFoundError when the backup is bad.
   */
  async checkIntegrity(plan: RestorePlan): Promise<void> {
    const { record } = plan.backup;
    const repository = this.deps.repositories.get(record.repository);
    for (const object of record.objects ?? []) {
      await repository.verify(object.key, {
        size: object.size,
        sha256: object.sha256,
      });
    }
  }

  /**
   * The archived log a point-in-time restore replays, or none; the files
   * the engine's driver says a restore from the backup needs.
   */
  async openArchive(plan: RestorePlan): Promise<ArchivedLogSource | undefined> {
    const { record, manifest } = plan.backup;
    const backups = this.deps.drivers.get(manifest.spec.engine)?.backups;
    if (!plan.replayArchive || !record.log || !backups) return undefined;
    const repository = this.deps.repositories.get(record.repository);
    const prefix = logPrefix(record.cluster);
    const listed = await repository.list(prefix);
    const files = backups.selectArchivedLog(
      listed.map(o => o.key.slice(prefix.length)),
      record.log.start,
    );
    return archivedLogSource(repository, prefix, files);
  }

  async #fromBackup(id: string): Promise<RestorePlan> {
    const backup = await this.deps.backups.find(id);
    if (!backup) {
      throw new InputError(`spec.restore.backup: there is no backup '${id}'`);
    }
    if (backup.record.phase !== 'Completed') {
      throw new InputError(
        `spec.restore.backup: backup ${id} is ${backup.record.phase}; only a Completed backup can be restored`,
      );
    }
    return {
      backup,
      replayArchive: false,
      description: `backup ${id} (${backup.record.method})`,
    };
  }

  async #fromCluster(ref: string, time?: string): Promise<RestorePlan> {
    const [namespace, name] = ref.split('/');
    const completed = (
      await this.deps.backups.listForCluster(namespace, name)
    ).filter(b => b.record.phase === 'Completed');
    if (completed.length === 0) {
      throw new InputError(
        `spec.restore.cluster: EngineCluster ${ref} has no completed backup to restore from`,
      );
    }
    if (!time) {
      const [latest] = completed;
      // An engine without point-in-time recovery archives no log: its
      // latest state is its latest backup.
      const replayArchive =
        latest.record.method === 'physical' && this.#archivesLog(latest);
      return {
        backup: latest,
        replayArchive,
        description: replayArchive
          ? `the latest state of ${ref} (backup ${
              latest.record.id
            } and archived ${this.#logName(latest)})`
          : `the latest backup of ${ref} (backup ${latest.record.id}, ${latest.record.method})`,
      };
    }
    if (Date.parse(time) > Date.now()) {
      throw new InputError(
        `spec.restore.time: ${time} is in the future; give a moment that has passed`,
      );
    }
    const base = completed.find(
      b =>
        b.record.method === 'physical' &&
        b.record.completedAt !== undefined &&
        Date.parse(b.record.completedAt) <= Date.parse(time),
    );
    if (!base) {
      const physical = completed.filter(b => b.record.method === 'physical');
      const earliest = physical[physical.length - 1]?.record.completedAt;
      throw new InputError(
        `spec.restore.time: EngineCluster ${ref} has no physical backup completed before ${time}${
          earliest ? `; the earliest completed at ${earliest}` : ''
        }`,
      );
    }
    return {
      backup: base,
      replayArchive: true,
      targetTime: time,
      description: `${ref} as of ${time} (backup ${
        base.record.id
      } and archived ${this.#logName(base)})`,
    };
  }

  /** Whether the backup's engine archives its log for point-in-time recovery. */
  #archivesLog(backup: StoredBackup): boolean {
    const driver = this.deps.drivers.get(backup.manifest.spec.engine);
    return Boolean(driver?.capabilities.backups.pointInTime);
  }

  /** The name of a backup's engine's log, in the engine's words (`WAL`). */
  #logName(backup: StoredBackup): string {
    const driver = this.deps.drivers.get(backup.manifest.spec.engine);
    return driver?.capabilities.backups.pointInTime?.log ?? 'log';
  }
}
