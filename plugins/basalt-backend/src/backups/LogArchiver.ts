import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterResource,
  backupPolicyOf,
  clusterRefOf,
} from '@basalt/plugin-basalt-common';
import {
  ArchiveSpool,
  ClusterKey,
  EngineDriver,
  LogArchiving,
  Runtime,
} from '@basalt/plugin-basalt-node';
import { BackupStore, ClusterStore } from '../store';
import { BackupRepositories } from './BackupRepositories';
import { logPrefix } from './backupKeys';
import { ClusterAccessor } from './clusterAccess';
import { LogStreams } from './LogStreams';
import { KeyedMutex } from '../runtime/KeyedMutex';

/**
 * Continuous log archiving, the basis of point-in-time restores, into each
 * cluster's backup repository under `<namespace>/<name>/<uid>/wal/`. For an
 * engine that pushes its log (PostgreSQL's WAL) it moves the files the
 * instances left in their archive spool and removes them once stored (a
 * file that fails to upload stays spooled and is tried again); for one
 * whose log is streamed it keeps a stream from the primary running
 * ({@link LogStreams}). Runs on the controller's leader.
 */
export class LogArchiver {
  readonly #serial = new KeyedMutex();
  readonly #streams: LogStreams;

  constructor(
    private readonly deps: {
      clusters: ClusterStore;
      backups: BackupStore;
      runtime: Runtime;
      drivers: Map<string, EngineDriver>;
      accessor: ClusterAccessor;
      repositories: BackupRepositories;
      logger: LoggerService;
    },
  ) {
    this.#streams = new LogStreams(deps);
  }

  /**
   * Archives what every archiving cluster's log has completed: moves the
   * spooled files of those that push it, and keeps a stream running from
   * the primary of those that stream it (stopping the streams of clusters
   * that are gone or no longer archive).
   */
  async archiveAll(): Promise<void> {
    const streaming = new Set<string>();
    for (const uid of await this.deps.clusters.listUids()) {
      const stored = await this.deps.clusters.findByUid(uid);
      if (!stored) continue;
      try {
        if (this.#archiving(stored.cluster) === 'streamed') {
          streaming.add(uid);
          await this.#streams.ensure(stored.cluster, stored.primaryInstance);
        } else {
          await this.archive(stored.cluster);
        }
      } catch (error) {
        this.deps.logger.warn(
          `Could not archive the log of EngineCluster ${clusterRefOf(
            stored.cluster,
          )}: ${(error as Error).message}`,
        );
      }
    }
    const ended = this.#streams.uids().filter(uid => !streaming.has(uid));
    await Promise.all(ended.map(uid => this.#streams.stop(uid)));
  }

  /** Stops every log stream: this backend no longer leads, or stops. */
  stopStreams(): Promise<void> {
    return this.#streams.stopAll();
  }

  /**
   * Archives the spooled files of a cluster whose engine pushes its log,
   * now; resolves once every file spooled so far is in the repository.
   * Concurrent calls for one cluster run one after the other. A streamed
   * log needs no call: its stream archives each file as it completes.
   *
   * @returns the number of files archived.
   */
  async archive(cluster: {
    metadata: ClusterKey;
    spec: ClusterResource['spec'];
  }): Promise<number> {
    const { spool } = this;
    const policy = backupPolicyOf(cluster.spec);
    if (!spool || this.#archiving(cluster) !== 'pushed') return 0;
    const key: ClusterKey = {
      namespace: cluster.metadata.namespace,
      name: cluster.metadata.name,
      uid: cluster.metadata.uid,
    };
    return this.#serial.run(key.uid, async () => {
      const repository = this.deps.repositories.get(policy.repository);
      const prefix = logPrefix(key);
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
   * Stops a deleted cluster's log stream, and removes its archived log
   * when it has no completed backup left to replay it onto; otherwise
   * retention removes it with the backups.
   */
  async discard(cluster: {
    metadata: ClusterKey;
    spec: ClusterResource['spec'];
  }): Promise<void> {
    const { uid } = cluster.metadata;
    await this.#streams.stop(uid);
    if (await this.deps.backups.latestCompleted(uid)) return;
    const { repository: name } = backupPolicyOf(cluster.spec);
    const repository = this.deps.repositories.get(name);
    for (const object of await repository.list(logPrefix(cluster.metadata))) {
      await repository.delete(object.key);
    }
  }

  /** How the cluster's log is archived; undefined when it is not. */
  #archiving(cluster: {
    spec: ClusterResource['spec'];
  }): LogArchiving | undefined {
    if (!backupPolicyOf(cluster.spec).logArchiving) return undefined;
    return this.deps.drivers.get(cluster.spec.engine)?.backups?.logArchiving;
  }

  private get spool(): ArchiveSpool | undefined {
    return this.deps.runtime.archive;
  }
}
