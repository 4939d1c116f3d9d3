import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import {
  BasaltApi,
  ClusterResource,
  clusterRefOf,
} from '@basalt/plugin-basalt-common';
import { basaltApiRef } from '../api';
import { PollingState, usePolling } from './usePolling';

/**
 * How often the home page widgets read the team's clusters again: slower
 * than the entity cards, since a home page is left open for long and shows
 * every cluster of the team at once.
 */
export const TEAM_REFRESH_INTERVAL_MS = 10_000;

/**
 * The clusters owned by any of `ownerRefs` (the user and the groups they
 * belong to), each once, sorted by `namespace/name`. One request per owner,
 * filtered by the API, rather than every cluster the user may read.
 */
export async function listOwnedClusters(
  api: Pick<BasaltApi, 'listClusters'>,
  ownerRefs: string[],
): Promise<ClusterResource[]> {
  const lists = await Promise.all(
    ownerRefs.map(owner => api.listClusters({ owner })),
  );
  const byUid = new Map<string, ClusterResource>();
  for (const cluster of lists.flat()) {
    byUid.set(cluster.metadata.uid, cluster);
  }
  return [...byUid.values()].sort((a, b) =>
    clusterRefOf(a).localeCompare(clusterRefOf(b)),
  );
}

/**
 * The signed-in user's team's clusters (owned by one of the user's
 * ownership refs), kept current while mounted.
 */
export function useTeamClusters(): PollingState<ClusterResource[]> {
  const identityApi = useApi(identityApiRef);
  const api = useApi(basaltApiRef);
  return usePolling(
    async () => {
      const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
      return listOwnedClusters(api, ownershipEntityRefs);
    },
    [api, identityApi],
    TEAM_REFRESH_INTERVAL_MS,
  );
}
