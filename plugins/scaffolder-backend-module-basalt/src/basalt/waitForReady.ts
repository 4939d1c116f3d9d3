import {
  BasaltApi,
  BasaltRequestOptions,
  ClusterResource,
} from '@basalt/plugin-basalt-common';

const POLL_MS = 500;

/**
 * Polls a cluster until it is Ready for its current generation. Rejects,
 * saying what the cluster reported last, when it is Degraded for longer than
 * the timeout or the timeout passes.
 */
export async function waitForReady(
  api: BasaltApi,
  ref: { namespace: string; name: string },
  options: BasaltRequestOptions & { timeoutMs: number; signal?: AbortSignal },
): Promise<ClusterResource> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const cluster = await api.getCluster(ref, options);
    const status = cluster.status;
    const current = status?.observedGeneration === cluster.metadata.generation;
    const ready = status?.conditions.find(c => c.type === 'Ready');
    if (current && ready?.status === 'True') {
      return cluster;
    }
    if (Date.now() > deadline || options.signal?.aborted) {
      const degraded = status?.conditions.find(
        c => c.type === 'Degraded' && c.status === 'True',
      );
      const why = degraded
        ? `${degraded.reason}: ${degraded.message}`
        : ready?.message ?? 'no status yet';
      throw new Error(
        `EngineCluster ${ref.namespace}/${
          ref.name
        } was not ready within ${Math.round(
          options.timeoutMs / 1000,
        )} s: ${why}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, POLL_MS));
  }
}
