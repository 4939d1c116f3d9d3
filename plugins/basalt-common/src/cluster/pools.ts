/**
 * Whether volume limits are enforced on the disk, and if not, why.
 *
 * @public
 */
export type PoolEnforcement =
  | { enforced: true }
  | { enforced: false; reason: string };

/**
 * Capacity of one node's pool, in bytes.
 *
 * @public
 */
export interface PoolCapacity {
  /** The pool's physical capacity on the node. */
  physicalBytes: number;
  /** Physical capacity times the capacity over-allocation ratio. */
  allocatableBytes: number;
  /** Promised to volumes; may exceed the physical capacity (sparse files). */
  allocatedBytes: number;
  /**
   * Actually written to the volumes of the instances on the node; absent
   * when the runtime could not tell for any of them.
   */
  usedBytes?: number;
}

/**
 * Throughput of one node's pool, in bytes per second.
 *
 * @public
 */
export interface PoolThroughput {
  /** The pool's physical throughput on the node. */
  physicalBytesPerSec: number;
  /** Physical throughput times the throughput over-allocation ratio. */
  allocatableBytesPerSec: number;
  /**
   * Promised to volumes as their throughput limits: the sum of the limits
   * the runtime sets on them, so what is allocated is what is enforced.
   */
  allocatedBytesPerSec: number;
  /**
   * How many of the pool's volumes have no throughput limit (their
   * manifest sets no `spec.storage.throughput`): they count 0 towards
   * `allocatedBytesPerSec` and may use up to the physical throughput.
   * Absent from backends that predate it.
   */
  unlimitedVolumes?: number;
}

/**
 * What one cluster's volumes take of one node's pool; or, without
 * `cluster`, what the volumes of the clusters the caller may not read take,
 * summed, so the parts always add up to the pool's totals.
 *
 * @public
 */
export interface PoolAllocation {
  /** `<namespace>/<name>`; absent for the clusters the caller may not read. */
  cluster?: string;
  /** The instances whose volumes these are, sorted; empty without `cluster`. */
  instances: string[];
  /** How many volumes. */
  volumes: number;
  /** Their sizes (hard capacity limits), summed. */
  allocatedBytes: number;
  /** Actually written to them, when the runtime could measure every one. */
  usedBytes?: number;
  /** Their throughput limits in bytes per second, summed. */
  allocatedBytesPerSec: number;
  /** How many of them have no throughput limit (they count 0 above). */
  unlimitedVolumes: number;
}

/**
 * The utilisation of one node's share of a volume pool, with what each
 * cluster's volumes take of it as far as the caller may read the cluster.
 *
 * @public
 */
export interface PoolStatus {
  /** The node's name, as the runtime knows it. */
  node: string;
  /** The pool's name, such as `default`. */
  pool: string;
  capacity: PoolCapacity;
  throughput: PoolThroughput;
  volumes: {
    /** How many volumes the node's pool holds. */
    count: number;
    /** The most it may hold. */
    max: number;
  };
  /** How much more than physical the pool may promise; each ratio is ≥ 1. */
  overAllocation: { capacity: number; throughput: number };
  /** Whether the runtime enforces volume limits on the disk. */
  enforcement: PoolEnforcement;
  /**
   * The pool's volumes by cluster, the most capacity first; the clusters
   * the caller may not read summed into one last entry without `cluster`.
   * Absent from backends that predate it.
   */
  allocations?: PoolAllocation[];
}
