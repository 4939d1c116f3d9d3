import { VolumeAllocation, volumeLimitsOf } from '../pools';
import { InstanceStorage } from '../store';
import { volumeOf } from './steps/placeInstances';

/**
 * The volume each observed instance holds in its node's pool, with the
 * limits the runtime sets on it (`volumeLimitsOf`, as `instanceRequest`
 * asks for them).
 */
export function volumeAllocations(
  instances: InstanceStorage[],
): VolumeAllocation[] {
  return instances.map(({ instance, node, cluster, storage }) => ({
    volume: volumeOf(cluster, instance),
    cluster,
    pool: storage.pool,
    node,
    ...volumeLimitsOf(storage),
  }));
}
