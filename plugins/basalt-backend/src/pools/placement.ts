import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { freeOrdinals, instanceName } from '../controller/steps/naming';
import { NodeHeap } from './NodeHeap';
import {
  account,
  before,
  fits,
  freeBytes,
  freeThroughput,
  newNodeState,
  NodeState,
  usageOf,
  VolumeDemand,
} from './nodeState';
import { formatBytes } from './quantity';
import {
  capacityDetail,
  PlacementRefusedError,
  refusePlacement,
  throughputDetail,
} from './refusal';
import {
  NodePool,
  Placement,
  PlacementRequest,
  PoolUsage,
  VolumeAllocation,
} from './types';

/**
 * How many nodes that cannot take a volume the engine pops off the heap
 * before it scans the whole pool instead. Keeps the common case O(log n) and
 * bounds the rare one (the few roomy nodes are deep in the heap) to O(n).
 */
const PROBE_LIMIT = 64;

function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

interface PoolNodes {
  nodes: Map<string, NodeState>;
  heap: NodeHeap;
}

/** What a placement engine starts from. */
export interface PlacementEngineOptions {
  /** Every node's pools. */
  pools: NodePool[];
  /** The volumes already carved from them. */
  allocations?: VolumeAllocation[];
}

/**
 * Places volumes on nodes' pools and keeps account of what each holds.
 * Deterministic: the same pools, allocations and requests in the same order
 * give the same placements. Not safe for concurrent use from several
 * processes; one engine owns the accounts.
 */
export class PlacementEngine {
  private readonly pools = new Map<string, PoolNodes>();
  private readonly volumes = new Map<string, VolumeAllocation>();
  private readonly byCluster = new Map<string, Set<string>>();

  /**
   * @throws InputError when a node's pool is listed twice, or an allocation
   * names an unknown node or pool or repeats a volume.
   */
  static create(options: PlacementEngineOptions): PlacementEngine {
    const engine = new PlacementEngine();
    for (const spec of options.pools) engine.addNode(spec);
    for (const allocation of options.allocations ?? []) {
      if (engine.volumes.has(allocation.volume)) {
        throw new InputError(`volume ${allocation.volume} is allocated twice`);
      }
      engine.record(allocation, engine.nodeOf(allocation));
    }
    for (const pool of engine.pools.values()) {
      pool.nodes.forEach(node => pool.heap.push(node));
    }
    return engine;
  }

  private constructor() {}

  /**
   * Carves `request.count` volumes, each on a different node with room for
   * its size and throughput, preferring the nodes with the most headroom
   * (ties by node name). All or nothing: a refusal changes no account.
   *
   * @throws PlacementRefusedError saying, per kind of node, why it cannot.
   * @throws InputError for a malformed request; ConflictError for a volume
   * name already taken.
   */
  place(request: PlacementRequest): Placement {
    checkRequest(request);
    const { cluster, pool, sizeBytes, throughputBytesPerSec } = request;
    const nodes = this.pools.get(pool);
    if (!nodes) {
      const known = [...this.pools.keys()].sort().join(', ') || 'none';
      throw new PlacementRefusedError(
        `pool ${pool} is not configured on any node, so ${cluster} cannot have volumes there; configured pools: ${known}`,
      );
    }
    const names = this.volumeNames(request);
    const chosen = choose(nodes, request);
    if (chosen.length < request.count) {
      throw refusePlacement(nodes.nodes, request, names[0], chosen);
    }
    const volumes = chosen.map((node, i) => {
      const volume: VolumeAllocation = {
        ...{ volume: names[i], cluster, pool, node: node.spec.node },
        ...{ sizeBytes, throughputBytesPerSec },
      };
      this.record(volume, node);
      nodes.heap.update(node);
      return volume;
    });
    return { cluster, pool, volumes };
  }

  /**
   * Grows a volume in place on its node, if the node's pool has the room.
   *
   * @throws NotFoundError for an unknown volume; InputError when asked to
   * shrink; PlacementRefusedError when the node lacks the headroom.
   */
  expand(volume: string, newSizeBytes: number): VolumeAllocation {
    const current = this.volumes.get(volume);
    if (!current) {
      throw new NotFoundError(`volume ${volume} is not allocated in any pool`);
    }
    checkBytes(newSizeBytes, 'newSizeBytes', 1);
    const from = formatBytes(current.sizeBytes);
    const to = formatBytes(newSizeBytes);
    if (newSizeBytes < current.sizeBytes) {
      throw new InputError(
        `cannot shrink volume ${volume} from ${from} to ${to}; volumes only grow`,
      );
    }
    const node = this.nodeOf(current);
    const more = newSizeBytes - current.sizeBytes;
    if (more > freeBytes(node)) {
      const detail = `${node.spec.node} ${capacityDetail(node)}`;
      throw new PlacementRefusedError(
        `cannot expand ${volume} from ${from} to ${to} in pool ${
          current.pool
        }: it needs ${formatBytes(more)} more and ${detail}`,
        [{ node: node.spec.node, reason: 'capacity', detail }],
      );
    }
    return this.replace(current, { ...current, sizeBytes: newSizeBytes });
  }

  /**
   * Changes a volume's throughput limit in place; a higher one only if the
   * node's pool has the headroom (throughput with over-allocation).
   *
   * @throws NotFoundError for an unknown volume; PlacementRefusedError
   * when the node lacks the headroom.
   */
  setThroughput(
    volume: string,
    throughputBytesPerSec: number,
  ): VolumeAllocation {
    const current = this.volumes.get(volume);
    if (!current) {
      throw new NotFoundError(`volume ${volume} is not allocated in any pool`);
    }
    checkBytes(throughputBytesPerSec, 'throughputBytesPerSec', 0);
    const node = this.nodeOf(current);
    const more = throughputBytesPerSec - current.throughputBytesPerSec;
    if (more > freeThroughput(node)) {
      const detail = `${node.spec.node} ${throughputDetail(node)}`;
      throw new PlacementRefusedError(
        `cannot raise the throughput of ${volume} from ${formatBytes(
          current.throughputBytesPerSec,
        )}/s to ${formatBytes(throughputBytesPerSec)}/s in pool ${
          current.pool
        }: it needs ${formatBytes(more)}/s more and ${detail}`,
        [{ node: node.spec.node, reason: 'throughput', detail }],
      );
    }
    return this.replace(current, { ...current, throughputBytesPerSec });
  }

  /** Accounts `next` in place of `current`, on the same node. */
  private replace(
    current: VolumeAllocation,
    next: VolumeAllocation,
  ): VolumeAllocation {
    const node = this.nodeOf(current);
    this.forget(current, node);
    this.record(next, node);
    this.pools.get(current.pool)!.heap.update(node);
    return next;
  }

  /** Gives a volume's amounts back to its node; false when it was not allocated. */
  release(volume: string): boolean {
    const current = this.volumes.get(volume);
    if (!current) return false;
    const node = this.nodeOf(current);
    this.forget(current, node);
    this.pools.get(current.pool)!.heap.update(node);
    return true;
  }

  /** Each node's usage of one pool (or of all), sorted by pool and node. */
  usage(pool?: string): PoolUsage[] {
    const pools = pool === undefined ? [...this.pools.keys()] : [pool];
    return pools
      .flatMap(name => [...(this.pools.get(name)?.nodes.values() ?? [])])
      .map(usageOf)
      .sort((a, b) =>
        a.pool === b.pool ? compare(a.node, b.node) : compare(a.pool, b.pool),
      );
  }

  /** Every allocated volume, in the order they were allocated. */
  allocations(): VolumeAllocation[] {
    return [...this.volumes.values()];
  }

  private addNode(spec: NodePool): void {
    let pool = this.pools.get(spec.pool);
    if (!pool) {
      pool = { nodes: new Map(), heap: new NodeHeap() };
      this.pools.set(spec.pool, pool);
    }
    if (pool.nodes.has(spec.node)) {
      throw new InputError(
        `pool ${spec.pool} is listed twice for node ${spec.node}`,
      );
    }
    pool.nodes.set(spec.node, newNodeState(spec));
  }

  private nodeOf(allocation: VolumeAllocation): NodeState {
    const node = this.pools.get(allocation.pool)?.nodes.get(allocation.node);
    if (!node) {
      throw new InputError(
        `volume ${allocation.volume} is on node ${allocation.node} in pool ${allocation.pool}, which is not configured`,
      );
    }
    return node;
  }

  private record(volume: VolumeAllocation, node: NodeState): void {
    this.volumes.set(volume.volume, volume);
    let names = this.byCluster.get(volume.cluster);
    if (!names) this.byCluster.set(volume.cluster, (names = new Set()));
    names.add(volume.volume);
    account(node, volume, 1);
  }

  private forget(volume: VolumeAllocation, node: NodeState): void {
    this.volumes.delete(volume.volume);
    const names = this.byCluster.get(volume.cluster);
    names?.delete(volume.volume);
    if (names?.size === 0) this.byCluster.delete(volume.cluster);
    account(node, volume, -1);
  }

  private volumeNames(request: PlacementRequest): string[] {
    const { cluster, count } = request;
    const names =
      request.volumes ??
      freeOrdinals(
        cluster,
        [...(this.byCluster.get(cluster) ?? [])],
        count,
      ).map(ordinal => instanceName(cluster, ordinal));
    if (names.length !== count || new Set(names).size !== count) {
      throw new InputError(
        `volumes for ${cluster} must be ${count} distinct names, got ${names.join(
          ', ',
        )}`,
      );
    }
    const taken = names.find(name => this.volumes.has(name));
    if (taken) {
      const on = this.volumes.get(taken)!;
      throw new ConflictError(
        `volume ${taken} is already allocated on node ${on.node} in pool ${on.pool}`,
      );
    }
    return names;
  }
}

/**
 * The `request.count` nodes with the most headroom that can take a volume,
 * or fewer when fewer can. Pops the heap until enough fit; past the probe
 * limit, scans the pool (same order, so the same answer).
 */
function choose(pool: PoolNodes, request: PlacementRequest): NodeState[] {
  const popped: NodeState[] = [];
  const chosen: NodeState[] = [];
  while (
    chosen.length < request.count &&
    popped.length < request.count + PROBE_LIMIT
  ) {
    const node = pool.heap.pop();
    if (!node) break;
    popped.push(node);
    if (fits(node, request)) chosen.push(node);
  }
  const exhausted = pool.heap.size === 0;
  popped.forEach(node => pool.heap.push(node));
  if (chosen.length === request.count || exhausted) return chosen;
  return best([...pool.nodes.values()], request, request.count);
}

/** The first `count` nodes that fit, in heap order, by one pass. */
function best(nodes: NodeState[], demand: VolumeDemand, count: number) {
  const top: NodeState[] = [];
  for (const node of nodes) {
    if (!fits(node, demand)) continue;
    let i = top.length;
    while (i > 0 && before(node, top[i - 1])) i--;
    if (i < count) top.splice(i, 0, node);
    if (top.length > count) top.pop();
  }
  return top;
}

function checkBytes(value: number, key: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InputError(
      `${key} must be a whole number of bytes ≥ ${min}, got ${value}`,
    );
  }
}

function checkRequest(request: PlacementRequest): void {
  if (!Number.isSafeInteger(request.count) || request.count < 1) {
    throw new InputError(
      `count for ${request.cluster} must be a whole number ≥ 1, got ${request.count}`,
    );
  }
  checkBytes(request.sizeBytes, 'sizeBytes', 1);
  checkBytes(request.throughputBytesPerSec, 'throughputBytesPerSec', 0);
}
