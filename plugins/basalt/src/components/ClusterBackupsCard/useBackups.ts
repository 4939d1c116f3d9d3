import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  basaltClusterBackupPermission,
  basaltClusterRestorePermission,
  BackupRecord,
  ClusterRef,
} from '@basalt/plugin-basalt-common';
import { basaltApiRef } from '../../api';
import { formatClusterRef } from '../../entity';
import { PollingState, usePolling } from '../../hooks/usePolling';

/**
 * A cluster's backups, newest first, kept current while shown, so a running
 * backup's size grows and its end shows without a reload.
 */
export function useBackups(ref: ClusterRef): PollingState<BackupRecord[]> {
  const api = useApi(basaltApiRef);
  return usePolling(() => api.listBackups(ref), [api, ref.namespace, ref.name]);
}

/**
 * Whether the signed-in user may take backups of a cluster and restore them
 * into new clusters; the backend checks the same permissions again.
 */
export function useBackupPermissions(ref: ClusterRef) {
  const resourceRef = formatClusterRef(ref);
  const backup = usePermission({
    permission: basaltClusterBackupPermission,
    resourceRef,
  });
  const restore = usePermission({
    permission: basaltClusterRestorePermission,
    resourceRef,
  });
  // Actions appear once allowed; nothing is offered while still asking.
  return {
    canBackup: !backup.loading && backup.allowed,
    canRestore: !restore.loading && restore.allowed,
  };
}
