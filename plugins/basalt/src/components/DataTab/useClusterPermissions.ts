import {
  basaltClusterDeletePermission,
  basaltClusterUpdatePermission,
  ClusterRef,
} from '@basalt/plugin-basalt-common';
import { usePermission } from '@backstage/plugin-permission-react';
import { formatClusterRef } from '../../entity';

/**
 * Which day-2 operations the signed-in user may run on a cluster; the
 * backend checks the same permissions again on every request.
 */
export function useClusterPermissions(cluster: ClusterRef) {
  const resourceRef = formatClusterRef(cluster);
  const update = usePermission({
    permission: basaltClusterUpdatePermission,
    resourceRef,
  });
  const remove = usePermission({
    permission: basaltClusterDeletePermission,
    resourceRef,
  });
  return {
    loading: update.loading || remove.loading,
    canUpdate: update.allowed,
    canDelete: remove.allowed,
  };
}
