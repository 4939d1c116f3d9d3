import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource type of Basalt clusters for resource permissions (owner-scoped
 * rules match on it).
 *
 * @public
 */
export const BASALT_CLUSTER_RESOURCE_TYPE = 'basalt-cluster';

/** Create a cluster (apply a manifest with a new name). @public */
export const basaltClusterCreatePermission = createPermission({
  name: 'basalt.cluster.create',
  attributes: { action: 'create' },
});

/** See a cluster, its status and events. @public */
export const basaltClusterReadPermission = createPermission({
  name: 'basalt.cluster.read',
  attributes: { action: 'read' },
  resourceType: BASALT_CLUSTER_RESOURCE_TYPE,
});

/** Change a cluster's spec and run day-2 operations. @public */
export const basaltClusterUpdatePermission = createPermission({
  name: 'basalt.cluster.update',
  attributes: { action: 'update' },
  resourceType: BASALT_CLUSTER_RESOURCE_TYPE,
});

/** Delete a cluster (subject to its termination policy). @public */
export const basaltClusterDeletePermission = createPermission({
  name: 'basalt.cluster.delete',
  attributes: { action: 'delete' },
  resourceType: BASALT_CLUSTER_RESOURCE_TYPE,
});

/** Take a backup of a cluster. @public */
export const basaltClusterBackupPermission = createPermission({
  name: 'basalt.cluster.backup',
  attributes: { action: 'update' },
  resourceType: BASALT_CLUSTER_RESOURCE_TYPE,
});

/** Restore a backup into a new cluster. @public */
export const basaltClusterRestorePermission = createPermission({
  name: 'basalt.cluster.restore',
  attributes: { action: 'create' },
  resourceType: BASALT_CLUSTER_RESOURCE_TYPE,
});

/**
 * Reveal the password of one of a cluster's accounts; each reveal is
 * recorded as an event of the cluster.
 *
 * @public
 */
export const basaltClusterCredentialsReadPermission = createPermission({
  name: 'basalt.cluster.credentials.read',
  attributes: { action: 'read' },
  resourceType: BASALT_CLUSTER_RESOURCE_TYPE,
});

/**
 * Every Basalt permission, for registration with the permissions registry.
 *
 * @public
 */
export const basaltPermissions = [
  basaltClusterCreatePermission,
  basaltClusterReadPermission,
  basaltClusterUpdatePermission,
  basaltClusterDeletePermission,
  basaltClusterBackupPermission,
  basaltClusterRestorePermission,
  basaltClusterCredentialsReadPermission,
];
