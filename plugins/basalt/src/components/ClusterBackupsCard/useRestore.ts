import { useApi } from '@backstage/frontend-plugin-api';
import { ClusterRef, RestoreRequest } from '@basalt/plugin-basalt-common';
import { useCallback, useState } from 'react';
import { basaltApiRef } from '../../api';
import { apiErrorMessage } from '../common';

/**
 * Restores a cluster's backups into a new cluster: `restored` names the
 * cluster the API created, `error` what it said when it refused.
 */
export function useRestore(source: ClusterRef) {
  const api = useApi(basaltApiRef);
  const [restored, setRestored] = useState<ClusterRef>();
  const [error, setError] = useState<string>();
  const { namespace, name } = source;

  const run = useCallback(
    async (request: RestoreRequest) => {
      setError(undefined);
      setRestored(undefined);
      try {
        const created = await api.restoreCluster({ namespace, name }, request);
        setRestored({
          namespace: created.metadata.namespace,
          name: created.metadata.name,
        });
      } catch (e) {
        setError(apiErrorMessage(e));
      }
    },
    [api, namespace, name],
  );
  return { restored, error, run };
}
