import { ClusterReasons } from '@basalt/plugin-basalt-common';
import { RuntimeNode } from '@basalt/plugin-basalt-node';
import { ClusterReconcileError } from '../errors';

/**
 * Chooses nodes for new instances of one cluster: never a node that already
 * holds one of its instances (replica anti-affinity), then the least loaded,
 * then by name, so placement is deterministic.
 *
 * @throws ClusterReconcileError (PlacementFailed) saying which nodes exist
 * and which are taken when there are not enough.
 */
export function placeInstances(options: {
  count: number;
  nodes: RuntimeNode[];
  occupied: string[];
  load: Map<string, number>;
}): string[] {
  const { count, nodes, occupied, load } = options;
  const candidates = nodes
    .filter(node => node.ready && !occupied.includes(node.name))
    .sort(
      (a, b) =>
        (load.get(a.name) ?? 0) - (load.get(b.name) ?? 0) ||
        a.name.localeCompare(b.name),
    );
  if (candidates.length < count) {
    const described = nodes
      .map(node =>
        occupied.includes(node.name)
          ? `${node.name} (has an instance of this cluster)`
          : `${node.name}${node.ready ? '' : ' (not ready)'}`,
      )
      .join(', ');
    throw new ClusterReconcileError(
      ClusterReasons.PlacementFailed,
      `${count} more instance(s) need distinct nodes, ${
        candidates.length
      } available: ${described || 'no nodes'}`,
    );
  }
  return candidates.slice(0, count).map(node => node.name);
}
