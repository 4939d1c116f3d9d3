import {
  BasaltApi,
  ClusterEvent,
  ClusterResource,
} from '@basalt/plugin-basalt-common';

/**
 * The newest `limit` events of all the given clusters, newest first. A
 * cluster whose events cannot be read (deleted a moment ago, say) leaves
 * the others shown; only when none can be read does this fail.
 */
export async function listRecentEvents(
  api: Pick<BasaltApi, 'listClusterEvents'>,
  clusters: ClusterResource[],
  limit: number,
): Promise<ClusterEvent[]> {
  const results = await Promise.allSettled(
    clusters.map(({ metadata: { namespace, name } }) =>
      api.listClusterEvents({ namespace, name }, { limit }),
    ),
  );
  const read = results.flatMap(r => (r.status === 'fulfilled' ? [r] : []));
  if (read.length === 0 && results.length > 0) {
    throw (results[0] as PromiseRejectedResult).reason;
  }
  return read
    .flatMap(r => r.value)
    .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))
    .slice(0, limit);
}
