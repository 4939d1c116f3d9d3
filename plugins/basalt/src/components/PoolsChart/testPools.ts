import { PoolStatus } from '@basalt/plugin-basalt-common';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** A node's pool as the backend's defaults make it, with `overrides`. */
export function poolStatus(
  node: string,
  overrides: {
    allocatedBytes?: number;
    usedBytes?: number;
    allocatedBytesPerSec?: number;
    volumes?: number;
    enforcement?: PoolStatus['enforcement'];
    unlimitedVolumes?: number;
    allocations?: PoolStatus['allocations'];
  } = {},
): PoolStatus {
  const used = 'usedBytes' in overrides ? overrides.usedBytes : 45 * MiB;
  return {
    node,
    pool: 'default',
    capacity: {
      physicalBytes: 100 * GiB,
      allocatableBytes: 200 * GiB,
      allocatedBytes: overrides.allocatedBytes ?? 2 * GiB,
      ...(used !== undefined && { usedBytes: used }),
    },
    throughput: {
      physicalBytesPerSec: 250 * MiB,
      allocatableBytesPerSec: 375 * MiB,
      allocatedBytesPerSec: overrides.allocatedBytesPerSec ?? 20 * MiB,
      ...(overrides.unlimitedVolumes !== undefined && {
        unlimitedVolumes: overrides.unlimitedVolumes,
      }),
    },
    volumes: { count: overrides.volumes ?? 1, max: 64 },
    overAllocation: { capacity: 2, throughput: 1.5 },
    enforcement: overrides.enforcement ?? { enforced: true },
    ...(overrides.allocations && { allocations: overrides.allocations }),
  };
}

export { GiB, MiB };
