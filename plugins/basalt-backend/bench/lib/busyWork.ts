import { ClusterResource } from '@basalt/plugin-basalt-common';
import { BenchBackend } from './backend';
import { NAMESPACE } from './cluster';
import { pollUntil, sleep } from './time';

/** A 2-instance cluster whose volumes are throttled to 1 MiB/s. */
function slowManifest(name: string, replicas: number) {
  return {
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      engine: 'postgresql',
      replicas,
      storage: { size: '200Mi', throughput: '1Mi' },
      terminationPolicy: 'Delete',
    },
  };
}

/** Whether the cluster has an operation (its replica's clone) running. */
function isCloning(cluster: ClusterResource): boolean {
  return !!cluster.status?.operations?.length;
}

/**
 * Long work for the controller beside the measured cluster: `count`
 * clusters that keep cloning a replica through volumes throttled to
 * 1 MiB/s (some 40 MiB each, so about 40 s per clone). When a clone is
 * done the cluster is scaled to 1 and back to 2, which clones again.
 */
export class BusyWork {
  readonly #names: string[];
  #running = true;
  #loop?: Promise<void>;
  /** How many clusters had an operation running, sampled every second. */
  readonly samples: number[] = [];

  private constructor(private readonly backend: BenchBackend, count: number) {
    this.#names = Array.from({ length: count }, (_, i) => `busy-${i + 1}`);
  }

  /** Creates the clusters and returns once every one is cloning. */
  static async start(
    backend: BenchBackend,
    count: number,
    signal: AbortSignal,
  ): Promise<BusyWork> {
    const work = new BusyWork(backend, count);
    for (const name of work.#names) {
      await backend.apply(slowManifest(name, 2));
    }
    const cloning = await pollUntil(
      async () => ((await work.#cloning()) === count ? true : undefined),
      { timeoutMs: 180_000, pollMs: 500, signal },
    );
    if (!cloning) {
      await work.stop();
      throw new Error(`the ${count} busy clusters did not all start cloning`);
    }
    work.#loop = work.#churn();
    return work;
  }

  /** Stops the churn and deletes the clusters. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    for (const name of this.#names) {
      await this.backend
        .remove(`${NAMESPACE}/${name}`, 180_000)
        .catch(error => console.error(`Could not delete ${name}: ${error}`));
    }
  }

  /** The busy clusters that have a status; one the API cannot give is left out. */
  async #clusters(): Promise<ClusterResource[]> {
    const clusters = await Promise.all(
      this.#names.map(name =>
        this.backend.get(`${NAMESPACE}/${name}`).catch(() => undefined),
      ),
    );
    return clusters.filter((c): c is ClusterResource => !!c?.status);
  }

  async #cloning(): Promise<number> {
    return (await this.#clusters()).filter(isCloning).length;
  }

  async #churn(): Promise<void> {
    while (this.#running) {
      let cloning = 0;
      for (const cluster of await this.#clusters()) {
        if (isCloning(cluster)) {
          cloning++;
          continue;
        }
        const { replicas } = cluster.spec;
        const status = cluster.status!;
        const settled =
          status.observedGeneration === cluster.metadata.generation &&
          status.instances.length === replicas &&
          status.instances.every(i => i.ready);
        if (settled) {
          // Down to one, then back to two: a new clone.
          await this.backend
            .apply(slowManifest(cluster.metadata.name, replicas === 2 ? 1 : 2))
            .catch(() => {});
        }
      }
      this.samples.push(cloning);
      await sleep(1000);
    }
  }
}
