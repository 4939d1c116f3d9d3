/**
 * How much more than the physical amount a node's pool may promise to its
 * volumes. Sparse volume files make capacity over-allocation safe until they
 * fill up; throughput budgets are rarely all used at once. Each ratio is ≥ 1.
 */
export interface OverAllocation {
  /** Allocatable capacity is the physical capacity times this ratio. */
  capacity: number;
  /** Allocatable throughput is the physical throughput times this ratio. */
  throughput: number;
}

/** One node's share of a volume pool: what its volumes are carved from. */
export interface NodePool {
  /** The node's name, as the runtime knows it. */
  node: string;
  /** The pool's name, such as `default`; a cluster's volumes ask for one. */
  pool: string;
  /** The absolute directory on the node where the pool's volumes live. */
  path: string;
  /** Physical capacity in bytes. */
  capacityBytes: number;
  /** Physical throughput in bytes per second. */
  throughputBytesPerSec: number;
  /** Physical I/O operations per second (recorded; not yet a placement budget). */
  iops: number;
  /** The most volumes the node's pool holds, whatever their size. */
  maxVolumes: number;
  /** Over-allocation ratios for capacity and throughput. */
  overAllocation: OverAllocation;
}

/** A volume carved from one node's pool. */
export interface VolumeAllocation {
  /** The volume's name, unique among all volumes: `<cluster>-<ordinal>`. */
  volume: string;
  /** The cluster it belongs to, `<namespace>/<name>`. */
  cluster: string;
  /** The pool it was carved from. */
  pool: string;
  /** The node whose pool holds it. */
  node: string;
  /** Its size (hard capacity limit) in bytes. */
  sizeBytes: number;
  /** Its throughput limit in bytes per second. */
  throughputBytesPerSec: number;
}

/** What is allocated on one node's pool, and what it may hold in all. */
export interface PoolUsage {
  /** The node's name. */
  node: string;
  /** The pool's name. */
  pool: string;
  /** Physical capacity times the capacity over-allocation ratio. */
  allocatableBytes: number;
  /** Physical throughput times the throughput over-allocation ratio. */
  allocatableThroughputBytesPerSec: number;
  /** Bytes promised to volumes (may exceed allocatable after a config change). */
  allocatedBytes: number;
  /** Throughput promised to volumes, in bytes per second. */
  allocatedThroughputBytesPerSec: number;
  /** How many volumes the node's pool holds. */
  volumes: number;
  /** The most volumes it may hold. */
  maxVolumes: number;
  /** The clusters with a volume there, sorted. */
  clusters: string[];
}

/** A request for the volumes of one cluster: one per replica, each on its own node. */
export interface PlacementRequest {
  /** The cluster, `<namespace>/<name>`. No two of its volumes share a node. */
  cluster: string;
  /** The pool to carve the volumes from. */
  pool: string;
  /** How many volumes (replicas) to place; a whole number ≥ 1. */
  count: number;
  /** Each volume's size in bytes. */
  sizeBytes: number;
  /** Each volume's throughput limit in bytes per second (0 for none). */
  throughputBytesPerSec: number;
  /**
   * The volumes' names, `count` of them. By default `<cluster>-<ordinal>`
   * with the lowest ordinals the cluster does not hold yet.
   */
  volumes?: string[];
}

/** The volumes a placement carved, in the order of the requested names. */
export interface Placement {
  /** The cluster they belong to. */
  cluster: string;
  /** The pool they were carved from. */
  pool: string;
  /** One per replica, each on a different node. */
  volumes: VolumeAllocation[];
}
