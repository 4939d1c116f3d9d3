import { CustomErrorBase } from '@backstage/errors';
import {
  freeBytes,
  freeThroughput,
  NodeState,
  VolumeDemand,
} from './nodeState';
import { formatBytes, formatRatio } from './quantity';

/** Why one node cannot take a volume. */
export type RefusalReason =
  | 'anti-affinity'
  | 'volume-limit'
  | 'capacity'
  | 'throughput'
  | 'capacity-and-throughput';

/** One node's refusal, with the figures behind it. */
export interface NodeRefusal {
  node: string;
  reason: RefusalReason;
  /** For example `node-a 5Gi free of 200Gi at ratio 2.0`. */
  detail: string;
}

/**
 * A placement or expansion that the pools cannot hold. The message says why
 * for each kind of node; `refusals` has every node's reason.
 */
export class PlacementRefusedError extends CustomErrorBase {
  name = 'PlacementRefusedError' as const;

  constructor(message: string, readonly refusals: NodeRefusal[] = []) {
    super(message);
  }
}

/** How many nodes a refusal names before it only counts the rest. */
const LISTED = 5;

const SUMMARY: Record<RefusalReason, string> = {
  capacity: 'short of capacity',
  throughput: 'short of throughput',
  'capacity-and-throughput': 'short of capacity and throughput',
  'volume-limit': 'at their volume limit',
  'anti-affinity': 'already holding a volume of the cluster',
};
const ORDER = Object.keys(SUMMARY) as RefusalReason[];

/** Why `node` cannot take a volume of `demand`; undefined when it can. */
export function refusalOf(
  node: NodeState,
  demand: VolumeDemand,
): NodeRefusal | undefined {
  const name = node.spec.node;
  if (node.clusters.has(demand.cluster)) {
    const detail = `${name} already holds a volume of ${demand.cluster}`;
    return { node: name, reason: 'anti-affinity', detail };
  }
  if (node.volumes >= node.spec.maxVolumes) {
    const detail = `${name} at its ${node.spec.maxVolumes}-volume limit`;
    return { node: name, reason: 'volume-limit', detail };
  }
  const capacity = demand.sizeBytes > freeBytes(node);
  const throughput = demand.throughputBytesPerSec > freeThroughput(node);
  if (!capacity && !throughput) return undefined;
  const parts = [
    capacity ? capacityDetail(node) : undefined,
    throughput ? throughputDetail(node) : undefined,
  ].filter(Boolean);
  let reason: RefusalReason = 'throughput';
  if (capacity) reason = throughput ? 'capacity-and-throughput' : 'capacity';
  return { node: name, reason, detail: `${name} ${parts.join(' and ')}` };
}

export function capacityDetail(node: NodeState): string {
  const free = formatBytes(Math.max(0, freeBytes(node)));
  const { capacityBytes, overAllocation } = node.spec;
  return `${free} free of ${formatBytes(capacityBytes)} at ratio ${formatRatio(
    overAllocation.capacity,
  )}`;
}

export function throughputDetail(node: NodeState): string {
  const free = formatBytes(Math.max(0, freeThroughput(node)));
  const { throughputBytesPerSec, overAllocation } = node.spec;
  return `${free}/s throughput free of ${formatBytes(
    throughputBytesPerSec,
  )}/s at ratio ${formatRatio(overAllocation.throughput)}`;
}

/** `20Gi` or `20Gi and 50Mi/s`: what one volume asks for. */
export function formatDemand(demand: VolumeDemand): string {
  const size = formatBytes(demand.sizeBytes);
  return demand.throughputBytesPerSec > 0
    ? `${size} and ${formatBytes(demand.throughputBytesPerSec)}/s`
    : size;
}

const thousands = (n: number) => n.toLocaleString('en');

/** Resource shortfalls are closest to fitting; anti-affinity is furthest. */
const DISTANCE: Record<RefusalReason, number> = {
  capacity: 0,
  throughput: 0,
  'capacity-and-throughput': 0,
  'volume-limit': 1,
  'anti-affinity': 2,
};

/**
 * The per-node part of a refusal message: every node when there are few;
 * otherwise the few closest to fitting (most free capacity first) and a count
 * of each reason.
 */
export function summarise(
  refusals: NodeRefusal[],
  nodes: Map<string, NodeState>,
): string {
  if (refusals.length <= LISTED) {
    return refusals.map(r => r.detail).join(', ');
  }
  const free = (refusal: NodeRefusal) => freeBytes(nodes.get(refusal.node)!);
  const closest = [...refusals]
    .sort(
      (a, b) =>
        DISTANCE[a.reason] - DISTANCE[b.reason] ||
        free(b) - free(a) ||
        (a.node < b.node ? -1 : 1),
    )
    .slice(0, LISTED);
  const counts = new Map<RefusalReason, number>();
  refusals.forEach(r => counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1));
  const tally = ORDER.filter(reason => counts.has(reason))
    .map(reason => `${thousands(counts.get(reason)!)} ${SUMMARY[reason]}`)
    .join(', ');
  return `${closest.map(r => r.detail).join(', ')}; of ${thousands(
    refusals.length,
  )} nodes refusing: ${tally}`;
}

/** The refusal of a request for which fewer than `count` nodes fit. */
export function refusePlacement(
  nodes: Map<string, NodeState>,
  request: VolumeDemand & { pool: string; count: number },
  firstVolume: string,
  fitting: NodeState[],
): PlacementRefusedError {
  const refusals = [...nodes.values()]
    .map(node => refusalOf(node, request))
    .filter((refusal): refusal is NodeRefusal => refusal !== undefined)
    .sort((a, b) => (a.node < b.node ? -1 : 1));
  const why = summarise(refusals, nodes);
  const demand = formatDemand(request);
  if (fitting.length === 0) {
    return new PlacementRefusedError(
      `no node has ${demand} allocatable in pool ${request.pool} for ${firstVolume}: ${why}`,
      refusals,
    );
  }
  const can = fitting.map(node => node.spec.node).join(', ');
  const nodesWord = fitting.length === 1 ? 'node has' : 'nodes have';
  return new PlacementRefusedError(
    `only ${fitting.length} ${nodesWord} ${demand} allocatable in pool ${
      request.pool
    } for ${request.cluster}, which needs ${
      request.count
    } (one node per replica): ${can} could take one${why ? `; ${why}` : ''}`,
    refusals,
  );
}
