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
  /** Promised to volumes as their throughput limits. */
  allocatedBytesPerSec: number;
}

/**
 * The utilisation of one node's share of a volume pool. Only totals: which
 * clusters hold the volumes is not part of it.
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
}
