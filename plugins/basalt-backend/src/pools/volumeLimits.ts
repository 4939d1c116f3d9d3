import { parseQuantity } from './quantity';

/** What a cluster's `spec.storage` says of each of its volumes. */
export interface StorageRequest {
  /** The volume's size, such as `20Gi`. */
  size: string;
  /** Its throughput limit per second, such as `100Mi`; absent for none. */
  throughput?: string;
}

/** The hard limits of one volume, in bytes and bytes per second. */
export interface VolumeLimits {
  /** The capacity cap. */
  sizeBytes: number;
  /**
   * The throughput cap, for reads and for writes each; 0 when the manifest
   * sets none, which the local runtime writes as 0 to blkio, the kernel's
   * "no limit".
   */
  throughputBytesPerSec: number;
}

/**
 * The limits of each volume a cluster's `spec.storage` asks for. Placement,
 * the pools' accounting and the runtime's throttle all read them from here,
 * so the throughput a pool reports as allocated is the sum of the limits
 * the runtime enforces on its volumes, never a figure of its own.
 */
export function volumeLimitsOf(storage: StorageRequest): VolumeLimits {
  return {
    sizeBytes: parseQuantity(storage.size) ?? 0,
    throughputBytesPerSec: parseQuantity(storage.throughput ?? '0') ?? 0,
  };
}
