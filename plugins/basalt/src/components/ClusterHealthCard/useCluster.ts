import { ResponseError } from '@backstage/errors';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  BasaltApi,
  ClusterRef,
  ClusterResource,
} from '@basalt/plugin-basalt-common';
import { basaltApiRef } from '../../api';
import { PollingState, usePolling } from '../../hooks/usePolling';

/** How long one answer serves every view of the same cluster. */
const SHARE_MS = 1000;

const recent = new WeakMap<
  BasaltApi,
  Map<string, { at: number; answer: Promise<ClusterResource> }>
>();

/**
 * Reads a cluster, sharing one request between the views that poll the same
 * cluster at about the same time (an entity page shows it in several cards).
 */
function getShared(api: BasaltApi, ref: ClusterRef): Promise<ClusterResource> {
  const byRef = recent.get(api) ?? new Map();
  recent.set(api, byRef);
  const key = `${ref.namespace}/${ref.name}`;
  const hit = byRef.get(key);
  if (hit && Date.now() - hit.at < SHARE_MS) return hit.answer;
  const answer = api.getCluster(ref);
  byRef.set(key, { at: Date.now(), answer });
  return answer;
}

/**
 * A cluster, kept current while the component is mounted. Once the API
 * answers that it does not exist (404), the last known state is dropped:
 * a deleted cluster must not go on looking Running, with its operations
 * on offer.
 */
export function useCluster(ref: ClusterRef): PollingState<ClusterResource> {
  const api = useApi(basaltApiRef);
  const state = usePolling(
    () => getShared(api, ref),
    [api, ref.namespace, ref.name],
  );
  return isNotFound(state.error) ? { ...state, value: undefined } : state;
}

function isNotFound(error: Error | undefined): boolean {
  return (error as ResponseError | undefined)?.response?.status === 404;
}
