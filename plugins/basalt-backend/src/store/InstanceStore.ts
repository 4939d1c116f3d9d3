import { InstanceStatus } from '@basalt/plugin-basalt-common';
import { Knex } from 'knex';

const TABLE = 'basalt_instances';

interface InstanceRow {
  cluster_uid: string;
  name: string;
  node: string;
  role: string;
  ready: boolean | number;
  address: string | null;
}

/** Instances as last observed, queryable by node. */
export class InstanceStore {
  constructor(private readonly knex: Knex) {}

  /** Replaces the cluster's instances with the observed ones. */
  async replace(
    clusterUid: string,
    instances: InstanceStatus[],
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx<InstanceRow>(TABLE).where({ cluster_uid: clusterUid }).delete();
      if (instances.length) {
        await tx<InstanceRow>(TABLE).insert(
          instances.map(instance => ({
            cluster_uid: clusterUid,
            name: instance.name,
            node: instance.node,
            role: instance.role,
            ready: instance.ready,
            address: instance.address ?? null,
          })),
        );
      }
    });
  }

  /** Instance counts by node, for placement. */
  async countByNode(): Promise<Map<string, number>> {
    const rows = await this.knex<InstanceRow>(TABLE)
      .select('node')
      .count({ count: '*' })
      .groupBy('node');
    return new Map(rows.map(row => [String(row.node), Number(row.count)]));
  }
}
