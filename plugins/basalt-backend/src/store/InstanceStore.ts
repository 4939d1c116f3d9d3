import { EngineCluster, InstanceStatus } from '@basalt/plugin-basalt-common';
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

/** An observed instance and the storage its cluster asks for. */
export interface InstanceStorage {
  instance: string;
  node: string;
  /** `<namespace>/<name>` */
  cluster: string;
  storage: EngineCluster['spec']['storage'];
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

  /**
   * Every observed instance with its cluster's storage request, for
   * placement: each instance holds one volume of that size and throughput
   * in its node's pool.
   */
  async withStorage(): Promise<InstanceStorage[]> {
    const rows: Array<{
      name: string;
      node: string;
      namespace: string;
      cluster: string;
      spec: string;
    }> = await this.knex(`${TABLE} as i`)
      .join('basalt_clusters as c', 'c.uid', 'i.cluster_uid')
      .select(
        'i.name as name',
        'i.node as node',
        'c.namespace as namespace',
        'c.name as cluster',
        'c.spec as spec',
      );
    return rows.map(row => ({
      instance: row.name,
      node: row.node,
      cluster: `${row.namespace}/${row.cluster}`,
      storage: (JSON.parse(row.spec) as EngineCluster['spec']).storage,
    }));
  }
}
