import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterResource,
  backupPolicyOf,
  clusterRefOf,
} from '@basalt/plugin-basalt-common';
import { BackupRepositories } from './BackupRepositories';
import { logPrefix } from './backupKeys';
import { ClusterAccessor, keyOf } from './clusterAccess';

/** One cluster's running stream. */
interface LogStream {
  /** The instance it reads from. */
  primary: string;
  controller: AbortController;
  /** Settles when the stream has ended, however it ended. */
  ended: Promise<void>;
  done: boolean;
}

/**
 * Streamed log archiving (`EngineBackups.logArchiving: 'streamed'`): one
 * stream per cluster, from its recorded primary into its archive in the
 * backup repository. Kept by the controller's leader: each
 * {@link LogStreams.ensure} starts a stream that is missing or ended
 * (after a failure, which is logged) and moves one that reads from a
 * former primary to the new one; the driver resumes after the files
 * already archived.
 */
export class LogStreams {
  readonly #streams = new Map<string, LogStream>();

  constructor(
    private readonly deps: {
      accessor: ClusterAccessor;
      repositories: BackupRepositories;
      logger: LoggerService;
    },
  ) {}

  /**
   * Makes one stream run for `cluster` from `primaryInstance`, and none
   * when it has no primary yet. Idempotent: a stream that runs from the
   * right primary is left alone.
   *
   * @throws ConflictError when the primary is not running (the next call
   * tries again).
   */
  async ensure(
    cluster: ClusterResource,
    primaryInstance: string | undefined,
  ): Promise<void> {
    const { uid } = cluster.metadata;
    const current = this.#streams.get(uid);
    if (current && !current.done && current.primary === primaryInstance) {
      return;
    }
    await this.stop(uid);
    if (!primaryInstance) return;
    const access = await this.deps.accessor.primary(cluster, primaryInstance);
    const repository = this.deps.repositories.get(
      backupPolicyOf(cluster.spec).repository,
    );
    const prefix = logPrefix(keyOf(cluster));
    const archived = (await repository.list(prefix)).map(object =>
      object.key.slice(prefix.length),
    );
    const controller = new AbortController();
    const stream: LogStream = {
      primary: primaryInstance,
      controller,
      done: false,
      ended: Promise.resolve(),
    };
    stream.ended = access.backups.streamLog!(access.origin, access.engine, {
      archived,
      archive: async (name, content) => {
        await repository.put(`${prefix}${name}`, content);
      },
      signal: controller.signal,
    })
      .catch(error => {
        if (controller.signal.aborted) return;
        this.deps.logger.warn(
          `The log stream of EngineCluster ${clusterRefOf(
            cluster,
          )} from ${primaryInstance} failed; it starts again: ${
            (error as Error).message
          }`,
        );
      })
      .finally(() => {
        stream.done = true;
      });
    this.#streams.set(uid, stream);
  }

  /** The clusters that have a stream, running or ended. */
  uids(): string[] {
    return [...this.#streams.keys()];
  }

  /** Stops the cluster's stream, if any, and waits until it has ended. */
  async stop(uid: string): Promise<void> {
    const stream = this.#streams.get(uid);
    if (!stream) return;
    this.#streams.delete(uid);
    stream.controller.abort();
    await stream.ended;
  }

  /** Stops every stream: when leadership is lost, and on shutdown. */
  async stopAll(): Promise<void> {
    await Promise.all(this.uids().map(uid => this.stop(uid)));
  }
}
