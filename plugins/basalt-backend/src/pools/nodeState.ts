import { NodePool, PoolUsage, VolumeAllocation } from './types';

/** The amounts a volume asks of a node. */
export interface VolumeDemand {
  cluster: string;
  sizeBytes: number;
  throughputBytesPerSec: number;
}

/** One node's pool with what is allocated on it: the placement engine's working state. */
export interface NodeState {
  readonly spec: NodePool;
  readonly allocatableBytes: number;
  readonly allocatableThroughput: number;
  allocatedBytes: number;
  allocatedThroughput: number;
  volumes: number;
  /** How many volumes each cluster has here. */
  readonly clusters: Map<string, number>;
  /** Headroom: the smallest free share of capacity, throughput and volume slots. */
  score: number;
  /** Position in its pool's heap; -1 while out of it. */
  heapIndex: number;
}

export function newNodeState(spec: NodePool): NodeState {
  const state: NodeState = {
    spec,
    allocatableBytes: spec.capacityBytes * spec.overAllocation.capacity,
    allocatableThroughput:
      spec.throughputBytesPerSec * spec.overAllocation.throughput,
    allocatedBytes: 0,
    allocatedThroughput: 0,
    volumes: 0,
    clusters: new Map(),
    score: 0,
    heapIndex: -1,
  };
  state.score = headroom(state);
  return state;
}

export const freeBytes = (node: NodeState) =>
  node.allocatableBytes - node.allocatedBytes;

export const freeThroughput = (node: NodeState) =>
  node.allocatableThroughput - node.allocatedThroughput;

const share = (free: number, total: number) => (total > 0 ? free / total : 0);

/**
 * The node's headroom as a share of what it may hold, in the dimension where
 * it is tightest. Placing on the most headroom first evens out utilisation
 * across nodes of different sizes.
 */
export function headroom(node: NodeState): number {
  return Math.min(
    share(freeBytes(node), node.allocatableBytes),
    share(freeThroughput(node), node.allocatableThroughput),
    share(node.spec.maxVolumes - node.volumes, node.spec.maxVolumes),
  );
}

/** Whether `a` comes before `b`: more headroom first, then by node name. */
export function before(a: NodeState, b: NodeState): boolean {
  if (a.score !== b.score) return a.score > b.score;
  return a.spec.node < b.spec.node;
}

/** Whether the node can take a volume of this demand. */
export function fits(node: NodeState, demand: VolumeDemand): boolean {
  return (
    node.volumes < node.spec.maxVolumes &&
    demand.sizeBytes <= freeBytes(node) &&
    demand.throughputBytesPerSec <= freeThroughput(node) &&
    !node.clusters.has(demand.cluster)
  );
}

/** Adds (`sign` 1) or removes (`sign` -1) a volume's amounts; rescores. */
export function account(
  node: NodeState,
  volume: VolumeAllocation,
  sign: 1 | -1,
): void {
  node.allocatedBytes += sign * volume.sizeBytes;
  node.allocatedThroughput += sign * volume.throughputBytesPerSec;
  node.volumes += sign;
  const held = (node.clusters.get(volume.cluster) ?? 0) + sign;
  if (held > 0) node.clusters.set(volume.cluster, held);
  else node.clusters.delete(volume.cluster);
  node.score = headroom(node);
}

export function usageOf(node: NodeState): PoolUsage {
  return {
    node: node.spec.node,
    pool: node.spec.pool,
    allocatableBytes: node.allocatableBytes,
    allocatableThroughputBytesPerSec: node.allocatableThroughput,
    allocatedBytes: node.allocatedBytes,
    allocatedThroughputBytesPerSec: node.allocatedThroughput,
    volumes: node.volumes,
    maxVolumes: node.spec.maxVolumes,
    clusters: [...node.clusters.keys()].sort(),
  };
}
