import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ClusterResource,
  clusterRefOf,
  PoolStatus,
} from '@basalt/plugin-basalt-common';
import { ClusterKey, Runtime } from '@basalt/plugin-basalt-node';
import { volumeAllocations } from '../controller/volumeAllocations';
import { NodePool, PlacementEngine, PoolUsage, VolumePools } from '../pools';
import {
  ClusterFilter,
  ClusterStore,
  InstanceStorage,
  InstanceStore,
} from '../store';
import { poolAllocations, PoolVolume } from './poolAllocations';

/**
 * The utilisation of every node's volume pools: what is physically there,
 * what may be promised with over-allocation, what is promised to volumes
 * and what they hold, and how that splits by cluster. Totals are the same
 * for every signed-in caller; clusters the caller may not read are not
 * named, only summed.
 */
export class PoolService {
  constructor(
    private readonly deps: {
      /** Every node's pools. */
      pools: VolumePools;
      instances: InstanceStore;
      clusters: ClusterStore;
      /** The clusters a caller may read (`ClusterService.list`). */
      readable: {
        list(
          filter: ClusterFilter,
          credentials: BackstageCredentials,
        ): Promise<ClusterResource[]>;
      };
      runtime: Runtime;
      logger: LoggerService;
    },
  ) {}

  /** One entry per node and pool, sorted by pool and node. */
  async list(credentials: BackstageCredentials): Promise<PoolStatus[]> {
    const { instances, runtime } = this.deps;
    const pools = await this.deps.pools.current();
    const byKey = new Map(pools.map(pool => [keyOf(pool), pool]));
    // Volumes on a pool no longer configured (after a config change) are
    // left out rather than failing the whole answer.
    const observed = (await instances.withStorage()).filter(row =>
      byKey.has(keyOf(locationOf(row))),
    );
    const [used, enforcement, readable] = await Promise.all([
      this.#usedBytes(observed),
      runtime.volumeEnforcement(),
      this.deps.readable.list({}, credentials),
    ]);
    const allocations = volumeAllocations(observed);
    const volumes = new Map<string, PoolVolume[]>();
    allocations.forEach((allocation, i) => {
      const key = keyOf(allocation);
      volumes.set(key, [
        ...(volumes.get(key) ?? []),
        {
          cluster: allocation.cluster,
          instance: observed[i].instance,
          sizeBytes: allocation.sizeBytes,
          throughputBytesPerSec: allocation.throughputBytesPerSec,
          ...(used[i] !== undefined && { usedBytes: used[i] }),
        },
      ]);
    });
    const mayRead = new Set(readable.map(clusterRefOf));
    const engine = PlacementEngine.create({ pools, allocations });
    return engine.usage().map(usage => {
      const held = volumes.get(keyOf(usage)) ?? [];
      return {
        ...statusOf(byKey.get(keyOf(usage))!, usage, held, enforcement),
        allocations: poolAllocations(held, cluster => mayRead.has(cluster)),
      };
    });
  }

  /** What each instance's own volume holds, in `observed`'s order. */
  async #usedBytes(
    observed: InstanceStorage[],
  ): Promise<Array<number | undefined>> {
    const uids = new Map(
      (await this.deps.clusters.list()).map(c => [
        clusterRefOf(c),
        c.metadata.uid,
      ]),
    );
    return Promise.all(
      observed.map(async row => {
        const uid = uids.get(row.cluster);
        if (!uid) return undefined;
        const [namespace, name] = row.cluster.split('/');
        return this.#measure({ namespace, name, uid }, row);
      }),
    );
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

function locationOf(row: InstanceStorage): { node: string; pool: string } {
  return { node: row.node, pool: row.storage.pool };
}

/**
 * What the pool's volumes hold: 0 for a pool without any, the sum of those
 * the runtime could measure, unknown when it could measure none.
 */
function usedOf(volumes: PoolVolume[]): number | undefined {
  if (volumes.length === 0) return 0;
  const measured = volumes.filter(v => v.usedBytes !== undefined);
  if (measured.length === 0) return undefined;
  return measured.reduce((total, v) => total + v.usedBytes!, 0);
}

function statusOf(
  pool: NodePool,
  usage: PoolUsage,
  volumes: PoolVolume[],
  enforcement: PoolStatus['enforcement'],
): PoolStatus {
  const usedBytes = usedOf(volumes);
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
      unlimitedVolumes: volumes.filter(v => v.throughputBytesPerSec === 0)
        .length,
    },
    volumes: { count: usage.volumes, max: usage.maxVolumes },
    overAllocation: { ...pool.overAllocation },
    enforcement: enforcement.enforced
      ? { enforced: true }
      : { enforced: false, reason: enforcement.reason },
  };
}
