import { formatBytes, PoolStatus } from '@basalt/plugin-basalt-common';

/** The four amounts one bar of the chart shows, in one unit. */
export interface BarAmounts {
  physical: number;
  /** Physical times the over-allocation ratio. */
  allocatable: number;
  allocated: number;
  /** Absent when it is not measured (throughput) or not known. */
  used?: number;
}

/** How far the allocated amount reaches, for its colour and its words. */
export type AllocationLevel = 'within' | 'over-physical' | 'over-allocatable';

/** A ratio with at least one decimal: `2.0`, `1.25`. */
export function formatRatio(ratio: number): string {
  return Number.isInteger(ratio) ? ratio.toFixed(1) : String(ratio);
}

/** A rate in binary units per second: `250.0 MiB/s`. */
export function formatRate(bytesPerSec: number): string {
  return `${formatBytes(bytesPerSec)}/s`;
}

/** Whether the allocated amount stays within physical, and within allocatable. */
export function allocationLevel(amounts: BarAmounts): AllocationLevel {
  if (amounts.allocated > amounts.allocatable) return 'over-allocatable';
  if (amounts.allocated > amounts.physical) return 'over-physical';
  return 'within';
}

/** `node-a · default`: the node and pool a chart is about. */
export function poolTitle(pool: PoolStatus): string {
  return `${pool.node} · ${pool.pool}`;
}

/** The capacity bar's amounts, in bytes. */
export function capacityAmounts(pool: PoolStatus): BarAmounts {
  const { capacity } = pool;
  return {
    physical: capacity.physicalBytes,
    allocatable: capacity.allocatableBytes,
    allocated: capacity.allocatedBytes,
    used: capacity.usedBytes,
  };
}

/** The throughput bar's amounts, in bytes per second. */
export function throughputAmounts(pool: PoolStatus): BarAmounts {
  const { throughput } = pool;
  return {
    physical: throughput.physicalBytesPerSec,
    allocatable: throughput.allocatableBytesPerSec,
    allocated: throughput.allocatedBytesPerSec,
  };
}

function levelNote(amounts: BarAmounts, format: (n: number) => string) {
  switch (allocationLevel(amounts)) {
    case 'over-allocatable':
      return `; ${format(
        amounts.allocated - amounts.allocatable,
      )} beyond the allocatable limit`;
    case 'over-physical':
      return `; over-allocated by ${format(
        amounts.allocated - amounts.physical,
      )} beyond physical`;
    default:
      return '';
  }
}

/**
 * The capacity chart in words: `node-a · default: 2.0 GiB allocated of
 * 200.0 GiB allocatable (100.0 GiB physical × 2.0), 45.0 MiB used`.
 */
export function describeCapacity(pool: PoolStatus): string {
  const amounts = capacityAmounts(pool);
  const used =
    amounts.used === undefined
      ? 'used unknown'
      : `${formatBytes(amounts.used)} used`;
  return `${poolTitle(pool)}: ${formatBytes(
    amounts.allocated,
  )} allocated of ${formatBytes(
    amounts.allocatable,
  )} allocatable (${formatBytes(amounts.physical)} physical × ${formatRatio(
    pool.overAllocation.capacity,
  )}), ${used}${levelNote(amounts, formatBytes)}`;
}

/**
 * The throughput chart in words: `node-a · default: 20.0 MiB/s allocated of
 * 375.0 MiB/s allocatable (250.0 MiB/s physical × 1.5)`.
 */
export function describeThroughput(pool: PoolStatus): string {
  const amounts = throughputAmounts(pool);
  return `${poolTitle(pool)}: ${formatRate(
    amounts.allocated,
  )} allocated of ${formatRate(amounts.allocatable)} allocatable (${formatRate(
    amounts.physical,
  )} physical × ${formatRatio(pool.overAllocation.throughput)})${levelNote(
    amounts,
    formatRate,
  )}`;
}

/**
 * Each distinct reason the runtime gives for not enforcing volume limits,
 * with the nodes and pools it applies to.
 */
export function unenforcedReasons(
  pools: PoolStatus[],
): Array<{ reason: string; pools: string[] }> {
  const reasons = new Map<string, string[]>();
  for (const pool of pools) {
    if (pool.enforcement.enforced) continue;
    const { reason } = pool.enforcement;
    reasons.set(reason, [...(reasons.get(reason) ?? []), poolTitle(pool)]);
  }
  return [...reasons].map(([reason, titles]) => ({ reason, pools: titles }));
}

/** `amount` as a share of `whole`, readable at any size: 0.4 %, 12 %. */
export function percentOf(amount: number, whole: number): string {
  if (whole <= 0) return '—';
  const percent = (amount / whole) * 100;
  if (percent === 0) return '0 %';
  if (percent < 0.1) return '< 0.1 %';
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)} %`;
}
