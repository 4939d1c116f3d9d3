import { isDeepStrictEqual } from 'node:util';
import { InputError } from '@backstage/errors';
import { ClusterResource, EngineCluster } from '@basalt/plugin-basalt-common';
import { volumeAllocations } from '../controller/volumeAllocations';
import {
  NodePool,
  PlacementEngine,
  PlacementRefusedError,
  volumeLimitsOf,
} from '../pools';
import { InstanceStorage } from '../store';

/**
 * Checks a change of an existing cluster's `spec.storage` before it is
 * stored: the pool cannot change under existing volumes, volumes only grow,
 * and each volume's node must have room for the growth and for a higher
 * throughput limit (each with over-allocation), so changing the limits of
 * running volumes never over-commits a pool.
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
  const from = volumeLimitsOf(current);
  const to = volumeLimitsOf(next);
  if (to.sizeBytes < from.sizeBytes) {
    throw new InputError(
      `spec.storage.size: volumes only grow, not from ${current.size} to ${next.size}`,
    );
  }
  if (isDeepStrictEqual(from, to)) return;
  const cluster = `${existing.metadata.namespace}/${existing.metadata.name}`;
  const allocations = volumeAllocations(options.instances);
  const nodes = new Set(options.pools.map(pool => pool.node));
  const engine = PlacementEngine.create({
    pools: options.pools,
    allocations: allocations.filter(a => nodes.has(a.node)),
  });
  for (const allocation of engine.allocations()) {
    if (allocation.cluster !== cluster) continue;
    refusedAs('spec.storage.size', () =>
      engine.expand(allocation.volume, to.sizeBytes),
    );
    refusedAs('spec.storage.throughput', () =>
      engine.setThroughput(allocation.volume, to.throughputBytesPerSec),
    );
  }
}

/** Runs `change`, turning a placement refusal into an error of `field`. */
function refusedAs(field: string, change: () => void): void {
  try {
    change();
  } catch (error) {
    if (!(error instanceof PlacementRefusedError)) throw error;
    throw new InputError(`${field}: ${error.message}`);
  }
}
