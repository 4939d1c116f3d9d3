import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  clusterRefOf,
  NodeInstance,
  NodeSummary,
} from '@basalt/plugin-basalt-common';
import { Runtime } from '@basalt/plugin-basalt-node';
import { ClusterService } from './ClusterService';

/**
 * The runtime's nodes with the instances on them, as far as the caller may
 * read their clusters.
 */
export class NodeService {
  constructor(
    private readonly deps: { clusters: ClusterService; runtime: Runtime },
  ) {}

  /**
   * Every node of the runtime, sorted by name, with the instances (from the
   * status of the clusters the caller may read) sorted by cluster and
   * instance. A node the runtime no longer lists but that still holds
   * instances is shown as not ready, so they are not hidden.
   */
  async list(credentials: BackstageCredentials): Promise<NodeSummary[]> {
    const { runtime, clusters } = this.deps;
    const nodes = new Map<string, NodeSummary>(
      (await runtime.listNodes()).map(node => [
        node.name,
        {
          name: node.name,
          runtime: runtime.name,
          ready: node.ready,
          instances: [],
        },
      ]),
    );
    for (const cluster of await clusters.list({}, credentials)) {
      for (const instance of cluster.status?.instances ?? []) {
        let node = nodes.get(instance.node);
        if (!node) {
          node = {
            name: instance.node,
            runtime: runtime.name,
            ready: false,
            instances: [],
          };
          nodes.set(instance.node, node);
        }
        node.instances.push({
          cluster: clusterRefOf(cluster),
          instance: instance.name,
          engine: cluster.spec.engine,
          role: instance.role,
          ready: instance.ready,
        });
      }
    }
    return [...nodes.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(node => ({ ...node, instances: node.instances.sort(byInstance) }));
  }
}

function byInstance(a: NodeInstance, b: NodeInstance): number {
  return (
    a.cluster.localeCompare(b.cluster) || a.instance.localeCompare(b.instance)
  );
}
