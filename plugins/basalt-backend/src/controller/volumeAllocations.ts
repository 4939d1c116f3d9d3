import { parseQuantity, VolumeAllocation } from '../pools';
import { InstanceStorage } from '../store';
import { volumeOf } from './steps/placeInstances';

/** The volume each observed instance holds in its node's pool. */
export function volumeAllocations(
  instances: InstanceStorage[],
): VolumeAllocation[] {
  return instances.map(({ instance, node, cluster, storage }) => ({
    volume: volumeOf(cluster, instance),
    cluster,
    pool: storage.pool,
    node,
    sizeBytes: parseQuantity(storage.size) ?? 0,
    throughputBytesPerSec: parseQuantity(storage.throughput ?? '0') ?? 0,
  }));
}
