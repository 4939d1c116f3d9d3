import {
  ClusterOperation,
  ClusterOperationKind,
  ClusterOperationPhase,
  ClusterReason,
} from '@basalt/plugin-basalt-common';
import { Knex } from 'knex';

const TABLE = 'basalt_operations';

/** A row of `basalt_operations` (migration 20261206130000). */
interface OperationRow {
  id: string;
  cluster_uid: string;
  kind: string;
  target: string | null;
  node: string | null;
  generation: number | string;
  phase: string;
  progress: string | null;
  reason: string | null;
  error: string | null;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
}

/** An operation with what only the controller needs of it. */
export interface StoredOperation extends ClusterOperation {
  clusterUid: string;
  /** The generation of the spec it serves. */
  generation: number;
  /** The condition reason of a failure. */
  reason?: ClusterReason;
}

/** What starting an operation records. */
export interface NewOperation {
  id: string;
  clusterUid: string;
  kind: ClusterOperationKind;
  target?: string;
  node?: string;
  generation: number;
  /** What it starts with, in plain words. */
  progress?: string;
  startedAt: string;
}

/** How an operation ended. */
export interface OperationEnd {
  phase: Exclude<ClusterOperationPhase, 'Running'>;
  reason?: ClusterReason;
  error?: string;
}

function rowToStored(row: OperationRow): StoredOperation {
  return {
    id: row.id,
    clusterUid: row.cluster_uid,
    kind: row.kind as ClusterOperationKind,
    generation: Number(row.generation),
    phase: row.phase as ClusterOperationPhase,
    startedAt: row.started_at,
    ...(row.target && { target: row.target }),
    ...(row.node && { node: row.node }),
    ...(row.progress && { progress: row.progress }),
    ...(row.reason && { reason: row.reason as ClusterReason }),
    ...(row.error && { error: row.error }),
    ...(row.finished_at && { finishedAt: row.finished_at }),
  };
}

/**
 * Records operations: long work on a cluster that runs apart from the
 * controller's passes. A Running operation renews its heartbeat; one whose
 * heartbeat stopped (its backend died) is marked Interrupted by
 * {@link interruptStale}, and Failed once what it left is undone.
 */
export class OperationStore {
  constructor(private readonly knex: Knex) {}

  async start(operation: NewOperation): Promise<StoredOperation> {
    const row: OperationRow = {
      id: operation.id,
      cluster_uid: operation.clusterUid,
      kind: operation.kind,
      target: operation.target ?? null,
      node: operation.node ?? null,
      generation: operation.generation,
      phase: 'Running',
      progress: operation.progress ?? null,
      reason: null,
      error: null,
      started_at: operation.startedAt,
      heartbeat_at: operation.startedAt,
      finished_at: null,
    };
    await this.knex<OperationRow>(TABLE).insert(row);
    return rowToStored(row);
  }

  /** Renews a running operation's heartbeat, with what it does now. */
  async heartbeat(id: string, progress?: string): Promise<void> {
    await this.knex<OperationRow>(TABLE)
      .where({ id, phase: 'Running' })
      .update({
        heartbeat_at: new Date().toISOString(),
        ...(progress !== undefined && { progress }),
      });
  }

  /** Ends a running operation; one that already ended keeps its end. */
  async finish(id: string, end: OperationEnd): Promise<void> {
    await this.knex<OperationRow>(TABLE)
      .where({ id, phase: 'Running' })
      .update({
        phase: end.phase,
        reason: end.reason ?? null,
        error: end.error ?? null,
        finished_at: new Date().toISOString(),
      });
  }

  /** The cluster's running operations, oldest first. */
  async listRunning(clusterUid: string): Promise<StoredOperation[]> {
    const rows = await this.knex<OperationRow>(TABLE)
      .where({ cluster_uid: clusterUid, phase: 'Running' })
      .orderBy('started_at');
    return rows.map(rowToStored);
  }

  /**
   * Marks Interrupted the running operations whose heartbeat is older than
   * `staleBefore` (ISO 8601): the backend running them stopped. Returns
   * them as they were.
   */
  async interruptStale(staleBefore: string): Promise<StoredOperation[]> {
    const rows = await this.knex<OperationRow>(TABLE)
      .where({ phase: 'Running' })
      .andWhere('heartbeat_at', '<', staleBefore);
    for (const row of rows) {
      await this.finish(row.id, {
        phase: 'Interrupted',
        error: 'The backend running it stopped before it ended',
      });
    }
    return rows.map(rowToStored);
  }

  /** The cluster's interrupted operations whose leftovers are not undone. */
  async listInterrupted(clusterUid: string): Promise<StoredOperation[]> {
    const rows = await this.knex<OperationRow>(TABLE)
      .where({ cluster_uid: clusterUid, phase: 'Interrupted' })
      .orderBy('started_at');
    return rows.map(rowToStored);
  }

  /** Fails an interrupted operation once what it left is undone. */
  async undone(id: string): Promise<void> {
    await this.knex<OperationRow>(TABLE)
      .where({ id, phase: 'Interrupted' })
      .update({ phase: 'Failed' });
  }

  /** Forgets a deleted cluster's operations. */
  async removeForCluster(clusterUid: string): Promise<void> {
    await this.knex<OperationRow>(TABLE)
      .where({ cluster_uid: clusterUid })
      .delete();
  }
}
