import { NodePool } from './types';

/** What {@link VolumePools.create} reads the pools from. */
export interface VolumePoolsOptions {
  /** The runtime's nodes now, by name. */
  listNodes(): Promise<string[]>;
  /**
   * The pools of the configuration, a pool without a node list on each of
   * `nodes` (`readPoolConfig`); throws for a bad configuration.
   */
  poolsOn(nodes: string[]): NodePool[];
}

/**
 * Every node's volume pools, as they stand now. A pool configured with a
 * node list stays on those nodes; one without is on every node the runtime
 * has had since the backend started, so a Kubernetes Node that joins gets
 * it at once. A node that leaves keeps its pools until the backend
 * restarts: its volumes may still be there and placement still counts them.
 */
export class VolumePools {
  #nodes: string[];
  #pools: NodePool[];

  private constructor(
    private readonly options: VolumePoolsOptions,
    nodes: string[],
  ) {
    this.#nodes = nodes;
    this.#pools = options.poolsOn(nodes);
  }

  /** Reads the pools for the nodes there are now; throws for a bad configuration. */
  static async create(options: VolumePoolsOptions): Promise<VolumePools> {
    return new VolumePools(options, await options.listNodes());
  }

  /** The pools now, with those of nodes that joined since last asked. */
  async current(): Promise<NodePool[]> {
    const joined = (await this.options.listNodes()).filter(
      node => !this.#nodes.includes(node),
    );
    if (joined.length) {
      this.#nodes = [...this.#nodes, ...joined];
      this.#pools = this.options.poolsOn(this.#nodes);
    }
    return this.#pools;
  }
}
