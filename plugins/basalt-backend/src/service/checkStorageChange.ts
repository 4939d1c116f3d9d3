import { InputError } from '@backstage/errors';
import { ClusterResource, EngineCluster } from '@basalt/plugin-basalt-common';
import { volumeAllocations } from '../controller/volumeAllocations';
import {
  NodePool,
  parseQuantity,
  PlacementEngine,
  PlacementRefusedError,
} from '../pools';
import { InstanceStorage } from '../store';

/**
 * Checks a change of an existing cluster's `spec.storage` before it is
 * stored: the pool cannot change under existing volumes, volumes only grow,
 * and each volume's node must have room for the growth (capacity with
 * over-allocation), so online expansion never over-commits a pool.
 *
 * @throws InputError naming the field and why.
 */
export function checkStorageChange(options: {
  existing: ClusterResource;
  next: EngineCluster['spec']['storage'];
  pools: NodePool[];
  instances: InstanceStorage[];
}): void {
  const { existing, next } = options;
  const current = existing.spec.storage;
  if (next.pool !== current.pool) {
    throw new InputError(
      `spec.storage.pool: volumes cannot move to another pool (from ${current.pool} to ${next.pool}); create a new cluster, e.g. by restoring a backup into one`,
    );
  }
  const from = parseQuantity(current.size) ?? 0;
  const to = parseQuantity(next.size) ?? 0;
  if (to < from) {
    throw new InputError(
      `spec.storage.size: volumes only grow, not from ${current.size} to ${next.size}`,
    );
  }
  if (to === from) return;
  const cluster = `${existing.metadata.namespace}/${existing.metadata.name}`;
  const allocations = volumeAllocations(options.instances);
  const nodes = new Set(options.pools.map(pool => pool.node));
  const engine = PlacementEngine.create({
    pools: options.pools,
    allocations: allocations.filter(a => nodes.has(a.node)),
  });
  for (const allocation of engine.allocations()) {
    if (allocation.cluster !== cluster) continue;
    try {
      engine.expand(allocation.volume, to);
    } catch (error) {
      if (!(error instanceof PlacementRefusedError)) throw error;
      throw new InputError(`spec.storage.size: ${error.message}`);
    }
  }
}
