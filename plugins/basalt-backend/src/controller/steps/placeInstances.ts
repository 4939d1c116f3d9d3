import { ClusterReasons, EngineCluster } from '@basalt/plugin-basalt-common';
import { RuntimeNode } from '@basalt/plugin-basalt-node';
import {
  NodePool,
  PlacementEngine,
  PlacementRefusedError,
  VolumeAllocation,
  volumeLimitsOf,
} from '../../pools';
import { ClusterReconcileError } from '../errors';

/**
 * Chooses nodes for new instances of one cluster from the volume pools: each
 * instance's volume (`spec.storage`: size, throughput, pool) must fit the
 * node's capacity and throughput budgets with over-allocation and its
 * volume limit, never beside another instance of the cluster (replica
 * anti-affinity), most headroom first and by name on ties, so placement is
 * deterministic. Nodes that are not ready are left out.
 *
 * @throws ClusterReconcileError (PlacementFailed) with the placement
 * engine's reasons, node by node.
 */
export function placeInstances(options: {
  /** `<namespace>/<name>` of the cluster. */
  cluster: string;
  storage: EngineCluster['spec']['storage'];
  /** Names of the instances to place, one volume each. */
  instances: string[];
  nodes: RuntimeNode[];
  pools: NodePool[];
  /** Every volume already placed, this cluster's included. */
  allocations: VolumeAllocation[];
}): string[] {
  const ready = new Set(options.nodes.filter(n => n.ready).map(n => n.name));
  const engine = PlacementEngine.create({
    pools: options.pools.filter(pool => ready.has(pool.node)),
    allocations: options.allocations.filter(a => ready.has(a.node)),
  });
  const { storage } = options;
  try {
    const placement = engine.place({
      cluster: options.cluster,
      pool: storage.pool,
      count: options.instances.length,
      ...volumeLimitsOf(storage),
      volumes: options.instances.map(name => volumeOf(options.cluster, name)),
    });
    return placement.volumes.map(volume => volume.node);
  } catch (error) {
    if (!(error instanceof PlacementRefusedError)) throw error;
    const notReady = options.nodes.filter(n => !n.ready).map(n => n.name);
    throw new ClusterReconcileError(
      ClusterReasons.PlacementFailed,
      `${error.message}${
        notReady.length ? `; not ready: ${notReady.join(', ')}` : ''
      }`,
    );
  }
}

/** The volume of an instance: unique across namespaces. */
export function volumeOf(cluster: string, instance: string): string {
  return `${cluster.split('/')[0]}/${instance}`;
}
