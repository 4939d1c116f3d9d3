import { useApi } from '@backstage/frontend-plugin-api';
import { ClusterRef, ClusterResource } from '@basalt/plugin-basalt-common';
import { basaltApiRef } from '../../api';
import { PollingState, usePolling } from '../../hooks/usePolling';

/** A cluster, kept current while the component is mounted. */
export function useCluster(ref: ClusterRef): PollingState<ClusterResource> {
  const api = useApi(basaltApiRef);
  return usePolling(() => api.getCluster(ref), [api, ref.namespace, ref.name]);
}
