import { PoolAllocation } from '@basalt/plugin-basalt-common';

/** One volume in a node's pool, with what the runtime measured of it. */
export interface PoolVolume {
  /** `<namespace>/<name>` of its cluster. */
  cluster: string;
  /** The instance whose volume it is. */
  instance: string;
  sizeBytes: number;
  /** 0 for no throughput limit. */
  throughputBytesPerSec: number;
  /** Written to it; absent when the runtime could not tell. */
  usedBytes?: number;
}

const sum = (amounts: number[]) => amounts.reduce((a, b) => a + b, 0);

/**
 * A pool's volumes by cluster, the most capacity first (then by name), with
 * the volumes of the clusters `mayRead` refuses summed into one last entry
 * without a name: the parts add up to the pool's totals, and a caller
 * learns of another team's clusters only that something is there.
 */
export function poolAllocations(
  volumes: PoolVolume[],
  mayRead: (cluster: string) => boolean,
): PoolAllocation[] {
  const named = new Map<string, PoolVolume[]>();
  const hidden: PoolVolume[] = [];
  for (const volume of volumes) {
    if (!mayRead(volume.cluster)) {
      hidden.push(volume);
      continue;
    }
    named.set(volume.cluster, [...(named.get(volume.cluster) ?? []), volume]);
  }
  const entries = [...named].map(([cluster, held]) => ({
    cluster,
    ...summed(held),
    instances: held.map(v => v.instance).sort(),
  }));
  entries.sort(
    (a, b) =>
      b.allocatedBytes - a.allocatedBytes || a.cluster.localeCompare(b.cluster),
  );
  return hidden.length
    ? [...entries, { ...summed(hidden), instances: [] }]
    : entries;
}

function summed(volumes: PoolVolume[]): Omit<PoolAllocation, 'instances'> {
  const used = volumes.map(v => v.usedBytes);
  return {
    volumes: volumes.length,
    allocatedBytes: sum(volumes.map(v => v.sizeBytes)),
    // Unknown for the whole entry when any volume's use is unknown: a
    // partial sum would read as the entry's use.
    ...(used.every(bytes => bytes !== undefined) && {
      usedBytes: sum(used as number[]),
    }),
    allocatedBytesPerSec: sum(volumes.map(v => v.throughputBytesPerSec)),
    unlimitedVolumes: volumes.filter(v => v.throughputBytesPerSec === 0).length,
  };
}
