import { ClusterEvent } from '@basalt/plugin-basalt-common';
import { Knex } from 'knex';

const TABLE = 'basalt_events';

interface EventRow {
  id: number | string;
  cluster_uid: string;
  cluster_ref: string;
  type: ClusterEvent['type'];
  reason: string;
  message: string;
  created_at: string;
}

/** The operation history of clusters. */
export class EventStore {
  constructor(private readonly knex: Knex) {}

  async record(event: {
    clusterUid: string;
    cluster: string;
    type: ClusterEvent['type'];
    reason: string;
    message: string;
  }): Promise<void> {
    await this.knex<EventRow>(TABLE).insert({
      cluster_uid: event.clusterUid,
      cluster_ref: event.cluster,
      type: event.type,
      reason: event.reason,
      message: event.message,
      created_at: new Date().toISOString(),
    });
  }

  /**
   * The events of one cluster, newest first. A cluster re-created under
   * the name of a deleted one starts with an empty history: the earlier
   * one's events have another uid.
   */
  async list(
    cluster: { ref: string; uid: string },
    options: { limit: number },
  ): Promise<ClusterEvent[]> {
    const rows = await this.knex<EventRow>(TABLE)
      .where({ cluster_ref: cluster.ref, cluster_uid: cluster.uid })
      .orderBy('id', 'desc')
      .limit(options.limit);
    return rows.map(row => ({
      id: String(row.id),
      cluster: row.cluster_ref,
      type: row.type,
      reason: row.reason,
      message: row.message,
      timestamp: row.created_at,
    }));
  }
}
