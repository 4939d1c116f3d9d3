import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  BackupMethod,
  BackupRecord,
  BackupTrigger,
  backupPolicyOf,
  clusterRefOf,
  formatBytes,
} from '@basalt/plugin-basalt-common';
import { BackupSink } from '@basalt/plugin-basalt-node';
import { pipeline, Readable, Transform } from 'stream';
import { BackupStore, EventStore } from '../store';
import { BackupRepositories } from './BackupRepositories';
import { BackupRepository } from './BackupRepository';
import { backupPrefix, newBackupId } from './backupKeys';
import { PrimaryAccess } from './clusterAccess';
import { RepositorySink } from './repositorySink';

/** What a backup is asked for with. */
export interface BackupRequest {
  /** The manifest's method when absent. */
  method?: BackupMethod;
  trigger: BackupTrigger;
  /** Who asked, for the record and the event. */
  requestedBy?: string;
}

/** A started backup: its `Running` record, and its end. */
export interface StartedBackup {
  record: BackupRecord;
  /** Resolves with the final record, `Completed` or `Failed`; never rejects. */
  done: Promise<BackupRecord>;
}

const PROGRESS_INTERVAL_MS = 1000;

/** Counts the bytes of every object as the driver writes it. */
class ByteCounter implements BackupSink {
  bytes = 0;

  constructor(readonly inner: RepositorySink) {}

  write(name: string, body: Readable): Promise<void> {
    const counting = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        this.bytes += chunk.length;
        callback(null, chunk);
      },
    });
    // pipeline() handles errors on both sides: the body's reaches the
    // repository through `counting`, and a repository that stops reading
    // (destroying `counting`) ends the body too; nothing is left unhandled.
    pipeline(body, counting, () => {});
    return this.inner.write(name, counting);
  }
}

/**
 * Takes backups: records one as `Running`, streams the engine's backup into
 * the cluster's repository (each object checksummed on the way), renews the
 * record's progress while it runs, and records the outcome as an event.
 * A backup that fails leaves no objects behind.
 */
export class BackupRunner {
  readonly #running = new Set<AbortController>();
  readonly #listeners: Array<(record: BackupRecord) => void> = [];

  constructor(
    private readonly deps: {
      backups: BackupStore;
      repositories: BackupRepositories;
      events: EventStore;
      logger: LoggerService;
    },
  ) {}

  /** Calls `listener` whenever a backup ends, e.g. to refresh a status. */
  onFinished(listener: (record: BackupRecord) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Starts a backup of the primary in `access` and answers once it is
   * recorded.
   *
   * @throws InputError for a method the engine does not support or an
   * unknown repository; ConflictError while another backup of the cluster
   * runs.
   */
  async start(
    access: PrimaryAccess,
    owner: string,
    request: BackupRequest,
  ): Promise<StartedBackup> {
    const { cluster } = access;
    const policy = backupPolicyOf(cluster.spec);
    const method = request.method ?? policy.method;
    const { methods } = access.driver.capabilities.backups;
    if (!methods.includes(method)) {
      throw new InputError(
        `method: must be one of ${methods.join(', ')} for ${
          cluster.spec.engine
        }, got '${method}'`,
      );
    }
    const repository = this.deps.repositories.get(policy.repository);
    const { namespace, name, uid } = cluster.metadata;
    const record = await this.deps.backups.start({
      id: newBackupId(),
      cluster: { namespace, name, uid },
      owner,
      manifest: {
        apiVersion: cluster.apiVersion,
        kind: cluster.kind,
        metadata: {
          namespace,
          name,
          labels: cluster.metadata.labels,
          annotations: cluster.metadata.annotations,
        },
        spec: cluster.spec,
      },
      method,
      trigger: request.trigger,
      repository: policy.repository,
      requestedBy: request.requestedBy,
      startedAt: new Date().toISOString(),
    });
    const done = this.#run(access, record, repository);
    return { record, done };
  }

  /** Aborts every running backup (the backend is stopping). */
  abortAll(): void {
    for (const controller of this.#running) controller.abort();
  }

  async #run(
    access: PrimaryAccess,
    record: BackupRecord,
    repository: BackupRepository,
  ): Promise<BackupRecord> {
    const { backups } = this.deps;
    const abort = new AbortController();
    this.#running.add(abort);
    const prefix = backupPrefix(record.cluster, record.id);
    const counter = new ByteCounter(new RepositorySink(repository, prefix));
    const heartbeat = setInterval(() => {
      backups.progress(record.id, counter.bytes).catch(() => {});
    }, PROGRESS_INTERVAL_MS);
    const startedAt = Date.now();
    try {
      const log = await this.#backup(access, record.method, counter, abort);
      await backups.complete(record.id, {
        objects: counter.inner.objects,
        log,
      });
      const done = (await backups.get(record.id)).record;
      await this.#event(access, 'Normal', 'BackupCompleted', done, startedAt);
      return done;
    } catch (error) {
      await removeObjects(repository, prefix);
      const message = abort.signal.aborted
        ? 'Interrupted: the backend stopped while it ran'
        : (error as Error).message;
      await backups.fail(record.id, message);
      const failed = (await backups.get(record.id)).record;
      await this.#event(access, 'Warning', 'BackupFailed', failed, startedAt);
      return failed;
    } finally {
      clearInterval(heartbeat);
      this.#running.delete(abort);
    }
  }

  async #backup(
    access: PrimaryAccess,
    method: BackupMethod,
    sink: BackupSink,
    abort: AbortController,
  ): Promise<BackupRecord['log']> {
    const { backups, primary, engine } = access;
    if (method === 'logical') {
      await backups.backupLogical(primary, engine, sink, abort.signal);
      return undefined;
    }
    return backups.backupPhysical(access.origin, engine, sink, abort.signal);
  }

  async #event(
    access: PrimaryAccess,
    type: 'Normal' | 'Warning',
    reason: string,
    record: BackupRecord,
    startedAt: number,
  ) {
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const what = `${record.trigger} ${record.method} backup ${record.id}`;
    const message =
      record.phase === 'Completed'
        ? `Completed ${what}: ${formatBytes(
            record.sizeBytes,
          )} in ${seconds} s to repository ${record.repository}`
        : `Failed ${what} after ${seconds} s: ${record.error}`;
    await this.deps.events.record({
      clusterUid: record.cluster.uid,
      cluster: clusterRefOf(access.cluster),
      type,
      reason,
      message,
    });
    if (type === 'Warning') this.deps.logger.warn(message);
    else this.deps.logger.info(message);
    for (const listener of this.#listeners) listener(record);
  }
}

/** Deletes whatever a failed backup had written. */
async function removeObjects(repository: BackupRepository, prefix: string) {
  try {
    for (const object of await repository.list(prefix)) {
      await repository.delete(object.key);
    }
  } catch {
    // The repository failing is often why the backup failed; what remains
    // is under the failed backup's prefix and pruned with its record.
  }
}
