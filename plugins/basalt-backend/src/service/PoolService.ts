import { LoggerService } from '@backstage/backend-plugin-api';
import { clusterRefOf, PoolStatus } from '@basalt/plugin-basalt-common';
import { ClusterKey, Runtime } from '@basalt/plugin-basalt-node';
import { volumeAllocations } from '../controller/volumeAllocations';
import { NodePool, PlacementEngine, PoolUsage, VolumePools } from '../pools';
import { ClusterStore, InstanceStorage, InstanceStore } from '../store';

/**
 * The utilisation of every node's volume pools: what is physically there,
 * what may be promised with over-allocation, what is promised to volumes
 * and what they hold. Only totals, so every signed-in caller sees the same:
 * which clusters hold the volumes is not told.
 */
export class PoolService {
  constructor(
    private readonly deps: {
      /** Every node's pools. */
      pools: VolumePools;
      instances: InstanceStore;
      clusters: ClusterStore;
      runtime: Runtime;
      logger: LoggerService;
    },
  ) {}

  /** One entry per node and pool, sorted by pool and node. */
  async list(): Promise<PoolStatus[]> {
    const { instances, runtime } = this.deps;
    const pools = await this.deps.pools.current();
    const observed = await instances.withStorage();
    const [used, enforcement] = await Promise.all([
      this.#usedBytes(pools, observed),
      runtime.volumeEnforcement(),
    ]);
    const byKey = new Map(pools.map(pool => [keyOf(pool), pool]));
    // Volumes on a pool no longer configured (after a config change) are
    // left out rather than failing the whole answer.
    const engine = PlacementEngine.create({
      pools,
      allocations: volumeAllocations(observed).filter(a => byKey.has(keyOf(a))),
    });
    return engine.usage().map(usage => {
      const pool = byKey.get(keyOf(usage))!;
      return statusOf(pool, usage, used.get(keyOf(usage)), enforcement);
    });
  }

  /**
   * What each node's pool holds, summed over the instances on it whose own
   * volume the runtime can measure; a pool with instances none of which it
   * can measure is missing from the map (unknown), an empty one holds 0.
   */
  async #usedBytes(
    pools: NodePool[],
    observed: InstanceStorage[],
  ): Promise<Map<string, number>> {
    const uids = new Map(
      (await this.deps.clusters.list()).map(c => [
        clusterRefOf(c),
        c.metadata.uid,
      ]),
    );
    const measured = await Promise.all(
      observed.map(async row => {
        const uid = uids.get(row.cluster);
        if (!uid) return undefined;
        const [namespace, name] = row.cluster.split('/');
        const bytes = await this.#measure({ namespace, name, uid }, row);
        return bytes === undefined
          ? undefined
          : { key: keyOf({ node: row.node, pool: row.storage.pool }), bytes };
      }),
    );
    const used = new Map<string, number>(
      pools
        .filter(pool => !observed.some(row => sameKey(row, pool)))
        .map(pool => [keyOf(pool), 0]),
    );
    for (const entry of measured) {
      if (entry) used.set(entry.key, (used.get(entry.key) ?? 0) + entry.bytes);
    }
    return used;
  }

  async #measure(
    cluster: ClusterKey,
    row: InstanceStorage,
  ): Promise<number | undefined> {
    try {
      const usage = await this.deps.runtime.volumeUsage(cluster, row.instance);
      // Without a volume of its own (limits not enforced) the runtime reads
      // the filesystem the data shares with everything else on the host:
      // summing that over the instances would count the host's disk again
      // and again, so it is not a pool's use.
      return usage?.dedicated ? usage.usedBytes : undefined;
    } catch (error) {
      // One unreadable volume must not hide every pool's utilisation.
      this.deps.logger.warn(
        `Could not read the volume usage of instance ${row.instance} of ${row.cluster}`,
        error as Error,
      );
      return undefined;
    }
  }
}

function keyOf(at: { node: string; pool: string }): string {
  return `${at.node}\u0000${at.pool}`;
}

function sameKey(row: InstanceStorage, pool: NodePool): boolean {
  return row.node === pool.node && row.storage.pool === pool.pool;
}

function statusOf(
  pool: NodePool,
  usage: PoolUsage,
  usedBytes: number | undefined,
  enforcement: PoolStatus['enforcement'],
): PoolStatus {
  return {
    node: usage.node,
    pool: usage.pool,
    capacity: {
      physicalBytes: pool.capacityBytes,
      allocatableBytes: usage.allocatableBytes,
      allocatedBytes: usage.allocatedBytes,
      ...(usedBytes !== undefined && { usedBytes }),
    },
    throughput: {
      physicalBytesPerSec: pool.throughputBytesPerSec,
      allocatableBytesPerSec: usage.allocatableThroughputBytesPerSec,
      allocatedBytesPerSec: usage.allocatedThroughputBytesPerSec,
    },
    volumes: { count: usage.volumes, max: usage.maxVolumes },
    overAllocation: { ...pool.overAllocation },
    enforcement: enforcement.enforced
      ? { enforced: true }
      : { enforced: false, reason: enforcement.reason },
  };
}
