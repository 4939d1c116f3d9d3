import {
  BasaltApi,
  BasaltRequestOptions,
  ClusterResource,
} from '@basalt/plugin-basalt-common';
import { Look, done, poll, waiting } from './poll';

const POLL_MS = 500;

/**
 * Judges a cluster: done when it is Ready for its current generation;
 * otherwise waiting, saying what it reports instead (Degraded first).
 */
export function readiness(cluster: ClusterResource): Look<ClusterResource> {
  const status = cluster.status;
  const current = status?.observedGeneration === cluster.metadata.generation;
  const ready = status?.conditions.find(c => c.type === 'Ready');
  if (current && ready?.status === 'True') {
    return done(cluster);
  }
  const degraded = status?.conditions.find(
    c => c.type === 'Degraded' && c.status === 'True',
  );
  return waiting(
    degraded
      ? `${degraded.reason}: ${degraded.message}`
      : ready?.message ?? 'no status yet',
  );
}

/**
 * Polls a cluster until it is Ready for its current generation. Rejects,
 * saying what the cluster reported last, when it is Degraded for longer than
 * the timeout or the timeout passes.
 *
 * `awaiting`, when given, is asked first on every look: it returns what
 * must still happen before Ready counts (e.g. the restore of the cluster's
 * data), or throws to end the wait when that cannot happen any more.
 */
export async function waitForReady(
  api: BasaltApi,
  ref: { namespace: string; name: string },
  options: BasaltRequestOptions & {
    timeoutMs: number;
    signal?: AbortSignal;
    awaiting?: (cluster: ClusterResource) => string | undefined;
  },
): Promise<ClusterResource> {
  return poll(
    async () => {
      const cluster = await api.getCluster(ref, options);
      const before = options.awaiting?.(cluster);
      return before ? waiting(before) : readiness(cluster);
    },
    {
      timeoutMs: options.timeoutMs,
      intervalMs: POLL_MS,
      signal: options.signal,
      timedOut: why =>
        new Error(
          `EngineCluster ${ref.namespace}/${
            ref.name
          } was not ready within ${Math.round(
            options.timeoutMs / 1000,
          )} s: ${why}`,
        ),
    },
  );
}
