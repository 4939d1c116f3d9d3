import { BackupRecord, ClusterResource } from '@basalt/plugin-basalt-common';
import { BenchBackend } from './backend';
import { NAMESPACE } from './cluster';
import { pollUntil, sleep } from './time';

/** The cluster whose backup the restores restore. */
const SOURCE = 'busy-source';

/** Volumes throttled to 1 MiB/s: each copy of a data directory takes long. */
const SLOW_STORAGE = { size: '200Mi', throughput: '1Mi' };

function manifest(name: string, spec: object) {
  return {
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: { name, namespace: NAMESPACE },
    spec: { engine: 'postgresql', terminationPolicy: 'Delete', ...spec },
  };
}

/** Whether the cluster has an operation (a clone, a restore…) running. */
function isWorking(cluster: ClusterResource | undefined): boolean {
  return !!cluster?.status?.operations?.length;
}

/** Whether the cluster is at its spec with every instance ready. */
function isSettled(cluster: ClusterResource): boolean {
  const status = cluster.status!;
  return (
    !cluster.metadata.deletionTimestamp &&
    status.observedGeneration === cluster.metadata.generation &&
    status.instances.length === cluster.spec.replicas &&
    status.instances.every(i => i.ready)
  );
}

/**
 * One busy cluster's long work, started again whenever it ends: `step`
 * looks at the cluster (undefined once it is gone) about once a second.
 */
interface Churn {
  name: string;
  step(cluster: ClusterResource | undefined): Promise<void>;
}

/** Clones a replica, then scales to 1 and back to 2: a new clone. */
function cloneChurn(backend: BenchBackend, name: string): Churn {
  const apply = (replicas: number) =>
    backend.apply(manifest(name, { replicas, storage: SLOW_STORAGE }));
  return {
    name,
    async step(cluster) {
      if (!cluster) return apply(2);
      if (isWorking(cluster) || !isSettled(cluster)) return undefined;
      return apply(cluster.spec.replicas === 2 ? 1 : 2);
    },
  };
}

/**
 * Creates the cluster from `spec`, deletes it once it is settled and
 * creates it again when it is gone: the long work is its creation (a
 * restore, say) or its deletion (a final backup).
 */
function recreateChurn(
  backend: BenchBackend,
  name: string,
  spec: object,
): Churn {
  return {
    name,
    async step(cluster) {
      if (!cluster) return backend.apply(manifest(name, spec));
      if (isWorking(cluster) || !isSettled(cluster)) return undefined;
      return backend.requestDeletion(`${NAMESPACE}/${name}`);
    },
  };
}

/**
 * Long work for the controller beside the measured cluster, in `count`
 * clusters: with 3 or more, one keeps taking final backups (deleted under
 * `BackupThenDelete` and created again) and one keeps restoring a backup
 * onto volumes throttled to 1 MiB/s; the others keep cloning a replica
 * through such volumes (some 40 MiB each, so about 40 s per clone). Needs
 * a `default` backup repository when `count` is 3 or more.
 */
export class BusyWork {
  #running = true;
  #loop?: Promise<void>;
  readonly #seenWorking = new Set<string>();
  /** How many clusters had an operation running, sampled every second. */
  readonly samples: number[] = [];

  private constructor(
    private readonly backend: BenchBackend,
    private readonly churns: Churn[],
    /** Clusters the work needs, deleted with it. */
    private readonly helpers: string[],
  ) {}

  /** Starts the work and returns once every cluster has been seen working. */
  static async start(
    backend: BenchBackend,
    count: number,
    signal: AbortSignal,
  ): Promise<BusyWork> {
    const withBackups = count >= 3;
    const clones = Array.from(
      { length: withBackups ? count - 2 : count },
      (_, i) => cloneChurn(backend, `busy-${i + 1}`),
    );
    const churns = withBackups
      ? [
          ...clones,
          // Deleted under BackupThenDelete: a final backup with its
          // checksums and restore test, again and again.
          recreateChurn(backend, 'busy-final', {
            terminationPolicy: 'BackupThenDelete',
          }),
          // A physical backup restored onto throttled volumes, again and
          // again.
          recreateChurn(backend, 'busy-restore', {
            storage: SLOW_STORAGE,
            restore: { backup: await sourceBackup(backend) },
          }),
        ]
      : clones;
    const work = new BusyWork(
      backend,
      churns,
      withBackups ? [`${NAMESPACE}/${SOURCE}`] : [],
    );
    for (const churn of churns) await churn.step(undefined);
    const working = await pollUntil(
      async () => {
        await work.#step();
        return work.#seenWorking.size === count ? true : undefined;
      },
      { timeoutMs: 180_000, pollMs: 500, signal },
    );
    if (!working) {
      await work.stop();
      throw new Error(`the ${count} busy clusters did not all start working`);
    }
    work.#loop = work.#churn();
    return work;
  }

  /** Stops the churn and deletes the clusters. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    const refs = [
      ...this.churns.map(c => `${NAMESPACE}/${c.name}`),
      ...this.helpers,
    ];
    for (const ref of refs) {
      await this.backend
        .remove(ref, 300_000)
        .catch(error => console.error(`Could not delete ${ref}: ${error}`));
    }
  }

  /** Advances every churn; how many clusters have work running. */
  async #step(): Promise<number> {
    let working = 0;
    for (const churn of this.churns) {
      const cluster = await this.backend
        .find(`${NAMESPACE}/${churn.name}`)
        .catch(() => null);
      // null: the API could not answer; nothing is decided on that.
      if (cluster === null) continue;
      if (isWorking(cluster)) {
        working++;
        this.#seenWorking.add(churn.name);
      } else if (!cluster || cluster.status) {
        await churn.step(cluster).catch(() => {});
      }
    }
    return working;
  }

  async #churn(): Promise<void> {
    while (this.#running) {
      this.samples.push(await this.#step());
      await sleep(1000);
    }
  }
}

/** A physical backup of a fresh cluster, for the restores to restore. */
async function sourceBackup(backend: BenchBackend): Promise<string> {
  await backend.apply(manifest(SOURCE, {}));
  const ready = await pollUntil(
    async () => {
      const cluster = await backend.find(`${NAMESPACE}/${SOURCE}`);
      return cluster?.status && isSettled(cluster) ? true : undefined;
    },
    { timeoutMs: 120_000, pollMs: 500 },
  );
  if (!ready) throw new Error(`${SOURCE} did not become ready`);
  const backups = `${backend.api}/${NAMESPACE}/${SOURCE}/backups`;
  const response = await fetch(backups, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'physical' }),
  });
  if (!response.ok) {
    throw new Error(`backup of ${SOURCE}: ${response.status}`);
  }
  const { id } = (await response.json()) as BackupRecord;
  const completed = await pollUntil(
    async () => {
      const backup = (await (
        await fetch(`${backups}/${id}`)
      ).json()) as BackupRecord;
      if (backup.phase === 'Failed') {
        throw new Error(`backup ${id} of ${SOURCE} failed`);
      }
      return backup.phase === 'Completed' ? true : undefined;
    },
    { timeoutMs: 120_000, pollMs: 500 },
  );
  if (!completed) throw new Error(`backup ${id} of ${SOURCE} did not end`);
  return id;
}
