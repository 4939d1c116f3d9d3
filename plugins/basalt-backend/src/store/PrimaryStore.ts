import { ConflictError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { ClusterRow, SwitchoverRequest } from './rows';

const TABLE = 'basalt_clusters';

/**
 * Which instance of each cluster is the primary, as the controller decided
 * it, and planned switchovers waiting to be carried out. Kept apart from
 * the observed status: the controller acts on it, so it must survive a
 * backend restart and never be derived from what a (possibly returning
 * former) primary says of itself.
 */
export class PrimaryStore {
  constructor(private readonly knex: Knex) {}

  /** Records the instance the controller made primary. */
  async setPrimary(uid: string, instance: string): Promise<void> {
    await this.knex<ClusterRow>(TABLE)
      .where({ uid })
      .update({ primary_instance: instance });
  }

  /**
   * Asks for a planned switchover; a later request replaces a pending one.
   *
   * @throws NotFoundError for an unknown cluster, ConflictError while it is
   * being deleted.
   */
  async requestSwitchover(
    namespace: string,
    name: string,
    request: SwitchoverRequest,
  ): Promise<void> {
    const updated = await this.knex<ClusterRow>(TABLE)
      .where({ namespace, name })
      .whereNull('deletion_requested_at')
      .update({ switchover_request: JSON.stringify(request) });
    if (updated > 0) return;
    const exists = await this.knex<ClusterRow>(TABLE)
      .where({ namespace, name })
      .first('uid');
    if (!exists) {
      throw new NotFoundError(`EngineCluster ${namespace}/${name} not found`);
    }
    throw new ConflictError(
      `EngineCluster ${namespace}/${name} is being deleted; it cannot switch over`,
    );
  }

  /**
   * Marks a switchover request as done (or given up); a newer request made
   * meanwhile is kept.
   */
  async finishSwitchover(uid: string, request: SwitchoverRequest) {
    await this.knex<ClusterRow>(TABLE)
      .where({ uid, switchover_request: JSON.stringify(request) })
      .update({ switchover_request: null });
  }
}
