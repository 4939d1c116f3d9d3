import { Knex } from 'knex';
import { ClusterRow, DeletionBlock } from './rows';

const TABLE = 'basalt_clusters';

/** What the controller remembers of a cluster's restore and deletion. */
export interface ClusterLifecycle {
  /** When the data of `spec.restore` was restored (ISO 8601). */
  restoredAt?: string;
  /** Why restoring `spec.restore` failed for good; not retried. */
  restoreFailure?: string;
  /** The verified final backup of a `BackupThenDelete` deletion. */
  finalBackup?: string;
  /** Why the last requested deletion was refused. */
  deletionBlocked?: DeletionBlock;
  /**
   * When a primary of the cluster first answered ready (ISO 8601); a
   * cluster without it never held data.
   */
  heldDataAt?: string;
}

/** Reads a row's {@link ClusterLifecycle}. */
export function lifecycleOf(row: ClusterRow): ClusterLifecycle {
  return {
    ...(row.restored_at && { restoredAt: row.restored_at }),
    ...(row.restore_failure && { restoreFailure: row.restore_failure }),
    ...(row.final_backup && { finalBackup: row.final_backup }),
    ...(row.held_data_at && { heldDataAt: row.held_data_at }),
    ...(row.deletion_blocked && {
      deletionBlocked: JSON.parse(row.deletion_blocked) as DeletionBlock,
    }),
  };
}

/**
 * Records the steps of a cluster's restore and deletion that must survive a
 * backend restart: a restore is done once, and a deletion that was refused
 * stays refused (with its reason) until someone asks again.
 */
export class LifecycleStore {
  constructor(private readonly knex: Knex) {}

  /** The cluster's lifecycle as stored now; undefined once it is gone. */
  async find(uid: string): Promise<ClusterLifecycle | undefined> {
    const row = await this.knex<ClusterRow>(TABLE).where({ uid }).first();
    return row && lifecycleOf(row);
  }

  async markRestored(uid: string, at: string): Promise<void> {
    await this.update(uid, { restored_at: at, restore_failure: null });
  }

  async markRestoreFailed(uid: string, message: string): Promise<void> {
    await this.update(uid, { restore_failure: message });
  }

  /** Records that the cluster holds data, once: the first time counts. */
  async markHeldData(uid: string, at: string): Promise<void> {
    await this.knex<ClusterRow>(TABLE)
      .where({ uid })
      .whereNull('held_data_at')
      .update({ held_data_at: at });
  }

  /** Remembers the verified final backup, so a resumed deletion skips it. */
  async setFinalBackup(uid: string, backupId: string): Promise<void> {
    await this.update(uid, { final_backup: backupId });
  }

  /**
   * Withdraws a deletion request that could not be carried out safely: the
   * cluster stays, and its status says why until the next apply or
   * deletion request.
   */
  async blockDeletion(uid: string, block: DeletionBlock): Promise<void> {
    await this.update(uid, {
      deletion_requested_at: null,
      deletion_blocked: JSON.stringify(block),
    });
  }

  private async update(uid: string, values: Partial<ClusterRow>) {
    await this.knex<ClusterRow>(TABLE).where({ uid }).update(values);
  }
}
