import { formatBytes, PoolAllocation } from '@basalt/plugin-basalt-common';
import { formatRate } from './describePool';

/** The clusters a caller may not read are summed under this name. */
export const OTHER_CLUSTERS = 'Clusters you may not read';

/** `payments/orders-db`, or what stands for the clusters not named. */
export function allocationName(allocation: PoolAllocation): string {
  return allocation.cluster ?? OTHER_CLUSTERS;
}

const volumesWord = (count: number) =>
  `${count} volume${count === 1 ? '' : 's'}`;

/** The instances by name, or how many volumes for the clusters not named. */
export function describeInstances(allocation: PoolAllocation): string {
  return allocation.instances.join(', ') || volumesWord(allocation.volumes);
}

/** `2.0 GiB, 45.0 MiB used` or `2.0 GiB, use unknown`. */
export function describeAllocatedCapacity(allocation: PoolAllocation): string {
  const used =
    allocation.usedBytes === undefined
      ? 'use unknown'
      : `${formatBytes(allocation.usedBytes)} used`;
  return `${formatBytes(allocation.allocatedBytes)}, ${used}`;
}

/**
 * The throughput limits as enforced: `20.0 MiB/s`, `no limit`, or
 * `20.0 MiB/s, and 1 volume without a limit`.
 */
export function describeAllocatedThroughput(
  allocation: PoolAllocation,
): string {
  const { allocatedBytesPerSec, unlimitedVolumes, volumes } = allocation;
  if (unlimitedVolumes === 0) return formatRate(allocatedBytesPerSec);
  if (unlimitedVolumes === volumes) {
    return volumes === 1 ? 'no limit' : `no limit on any of ${volumes}`;
  }
  return `${formatRate(allocatedBytesPerSec)}, and ${volumesWord(
    unlimitedVolumes,
  )} without a limit`;
}

/** One line per cluster, for the bars' tooltip. */
export function summariseAllocations(allocations: PoolAllocation[]): string {
  return allocations
    .map(
      a =>
        `${allocationName(a)}: ${formatBytes(
          a.allocatedBytes,
        )}, ${describeAllocatedThroughput(a)}`,
    )
    .join('\n');
}

/** `1 volume has no throughput limit…`, or undefined when all have one. */
export function unlimitedNote(count: number | undefined): string | undefined {
  if (!count) return undefined;
  return `${volumesWord(count)} without a throughput limit ${
    count === 1 ? 'counts' : 'count'
  } 0 here and may use up to the physical throughput`;
}
