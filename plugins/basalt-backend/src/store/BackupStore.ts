import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  BackupLogSpan,
  BackupMethod,
  BackupObjectRecord,
  BackupRecord,
  BackupTrigger,
  BackupVerification,
  EngineCluster,
} from '@basalt/plugin-basalt-common';
import { Knex } from 'knex';

const TABLE = 'basalt_backups';

/** A row of `basalt_backups` (migrations 20261124140000, 20261207120000). */
interface BackupRow {
  id: string;
  cluster_uid: string;
  namespace: string;
  name: string;
  owner: string;
  manifest: string;
  method: string;
  trigger: string;
  phase: string;
  repository: string;
  started_at: string;
  completed_at: string | null;
  heartbeat_at: string;
  size_bytes: number | string;
  objects: string | null;
  log: string | null;
  error: string | null;
  verification: string | null;
  requested_by: string | null;
}

/** A backup with what only the backend needs of it. */
export interface StoredBackup {
  record: BackupRecord;
  /** The cluster's manifest when the backup was taken, for restores. */
  manifest: EngineCluster;
  /** The cluster's owner, for permissions once the cluster is gone. */
  owner: string;
}

/** What starting a backup records. */
export interface NewBackup {
  id: string;
  cluster: { namespace: string; name: string; uid: string };
  owner: string;
  manifest: EngineCluster;
  method: BackupMethod;
  trigger: BackupTrigger;
  repository: string;
  requestedBy?: string;
  startedAt: string;
}

/**
 * A backup's `log`, and the deprecated `wal` beside it for one release
 * where the engine recorded a timeline (as `wal` had it).
 */
function logFields(log: BackupLogSpan): Pick<BackupRecord, 'log' | 'wal'> {
  const timeline = log.details?.timeline;
  return {
    log,
    ...(typeof timeline === 'number' && {
      wal: { start: log.start, end: log.end, timeline },
    }),
  };
}

function rowToStored(row: BackupRow): StoredBackup {
  const json = <T>(value: string | null): T | undefined =>
    value ? (JSON.parse(value) as T) : undefined;
  const record: BackupRecord = {
    id: row.id,
    cluster: { namespace: row.namespace, name: row.name, uid: row.cluster_uid },
    method: row.method as BackupMethod,
    trigger: row.trigger as BackupTrigger,
    phase: row.phase as BackupRecord['phase'],
    repository: row.repository,
    startedAt: row.started_at,
    sizeBytes: Number(row.size_bytes),
    ...(row.completed_at && { completedAt: row.completed_at }),
    ...(row.objects && { objects: json<BackupObjectRecord[]>(row.objects) }),
    ...(row.log && logFields(json<BackupLogSpan>(row.log)!)),
    ...(row.error && { error: row.error }),
    ...(row.verification && {
      verification: json<BackupVerification>(row.verification),
    }),
    ...(row.requested_by && { requestedBy: row.requested_by }),
  };
  return {
    record,
    manifest: JSON.parse(row.manifest) as EngineCluster,
    owner: row.owner,
  };
}

/**
 * Backup records in the Backstage database. They outlive their cluster, so
 * a deleted cluster's backups can still be listed, restored and pruned.
 */
export class BackupStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Records a new `Running` backup.
   *
   * @throws ConflictError when the cluster has a backup running already.
   */
  async start(backup: NewBackup): Promise<BackupRecord> {
    return this.knex.transaction(async tx => {
      const running = await tx<BackupRow>(TABLE)
        .where({ cluster_uid: backup.cluster.uid, phase: 'Running' })
        .first('id');
      if (running) {
        throw new ConflictError(
          `EngineCluster ${backup.cluster.namespace}/${backup.cluster.name} has backup ${running.id} running; wait until it is done`,
        );
      }
      const row: BackupRow = {
        id: backup.id,
        cluster_uid: backup.cluster.uid,
        namespace: backup.cluster.namespace,
        name: backup.cluster.name,
        owner: backup.owner,
        manifest: JSON.stringify(backup.manifest),
        method: backup.method,
        trigger: backup.trigger,
        phase: 'Running',
        repository: backup.repository,
        started_at: backup.startedAt,
        completed_at: null,
        heartbeat_at: backup.startedAt,
        size_bytes: 0,
        objects: null,
        log: null,
        error: null,
        verification: null,
        requested_by: backup.requestedBy ?? null,
      };
      await tx(TABLE).insert(row);
      return rowToStored(row).record;
    });
  }

  /** Records bytes written so far; doubles as the running backup's heartbeat. */
  async progress(id: string, sizeBytes: number): Promise<void> {
    await this.knex<BackupRow>(TABLE).where({ id, phase: 'Running' }).update({
      size_bytes: sizeBytes,
      heartbeat_at: new Date().toISOString(),
    });
  }

  async complete(
    id: string,
    result: {
      objects: BackupObjectRecord[];
      log?: BackupLogSpan;
    },
  ): Promise<void> {
    await this.knex<BackupRow>(TABLE)
      .where({ id })
      .update({
        phase: 'Completed',
        completed_at: new Date().toISOString(),
        size_bytes: result.objects.reduce((sum, o) => sum + o.size, 0),
        objects: JSON.stringify(result.objects),
        log: result.log ? JSON.stringify(result.log) : null,
      });
  }

  async fail(id: string, error: string): Promise<void> {
    await this.knex<BackupRow>(TABLE).where({ id }).update({
      phase: 'Failed',
      completed_at: new Date().toISOString(),
      error,
    });
  }

  async setVerification(
    id: string,
    verification: BackupVerification,
  ): Promise<void> {
    await this.knex<BackupRow>(TABLE)
      .where({ id })
      .update({ verification: JSON.stringify(verification) });
  }

  /**
   * Marks `Running` backups whose heartbeat is older than `staleBefore` as
   * failed: the backend that ran them stopped. Returns them.
   */
  async failStale(staleBefore: string): Promise<BackupRecord[]> {
    const rows = await this.knex<BackupRow>(TABLE)
      .where({ phase: 'Running' })
      .andWhere('heartbeat_at', '<', staleBefore);
    for (const row of rows) {
      await this.fail(
        row.id,
        'Interrupted: the backend running it stopped before it completed',
      );
    }
    return rows.map(row => rowToStored(row).record);
  }

  /** The backup, or undefined when there is none with this id. */
  async find(id: string): Promise<StoredBackup | undefined> {
    const row = await this.knex<BackupRow>(TABLE).where({ id }).first();
    return row && rowToStored(row);
  }

  /** @throws NotFoundError naming the id. */
  async get(id: string): Promise<StoredBackup> {
    const backup = await this.find(id);
    if (!backup) throw new NotFoundError(`Backup ${id} not found`);
    return backup;
  }

  /**
   * Backups of every cluster that had this name (newest first); a deleted
   * cluster's backups stay listed under it.
   */
  async listForCluster(
    namespace: string,
    name: string,
  ): Promise<StoredBackup[]> {
    const rows = await this.knex<BackupRow>(TABLE)
      .where({ namespace, name })
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc');
    return rows.map(rowToStored);
  }

  /** Every backup (newest first), for retention. */
  async listAll(): Promise<StoredBackup[]> {
    const rows = await this.knex<BackupRow>(TABLE)
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc');
    return rows.map(rowToStored);
  }

  /** The newest `Completed` backup of one cluster (by uid). */
  async latestCompleted(uid: string): Promise<BackupRecord | undefined> {
    const row = await this.knex<BackupRow>(TABLE)
      .where({ cluster_uid: uid, phase: 'Completed' })
      .orderBy('completed_at', 'desc')
      .first();
    return row && rowToStored(row).record;
  }

  /** When the cluster's last scheduled backup started, if ever. */
  async lastScheduledStart(uid: string): Promise<string | undefined> {
    const row = await this.knex<BackupRow>(TABLE)
      .where({ cluster_uid: uid, trigger: 'scheduled' })
      .orderBy('started_at', 'desc')
      .first('started_at');
    return row?.started_at;
  }

  /**
   * The owner of the newest backup of each `namespace/name` ref, for
   * permission checks on clusters that no longer exist.
   */
  async ownersOf(refs: string[]): Promise<Map<string, string>> {
    if (refs.length === 0) return new Map();
    const rows = await this.knex<BackupRow>(TABLE)
      .whereIn(
        ['namespace', 'name'],
        refs.map(ref => ref.split('/') as [string, string]),
      )
      .orderBy('started_at', 'asc')
      .select('namespace', 'name', 'owner');
    return new Map(rows.map(r => [`${r.namespace}/${r.name}`, r.owner]));
  }

  async remove(id: string): Promise<void> {
    await this.knex<BackupRow>(TABLE).where({ id }).delete();
  }
}
