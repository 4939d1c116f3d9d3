import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { basaltClusterUpdatePermission } from '@basalt/plugin-basalt-common';
import {
  basaltClusterPermissionRules,
  ClusterPermissionResource,
} from '@basalt/plugin-basalt-node';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';

const isAllowed = createConditionAuthorizer(
  Object.values(basaltClusterPermissionRules),
);

/**
 * Checks that the caller could operate the cluster it is about to create:
 * `basalt.cluster.update` on a cluster with that name and owner. The
 * cluster does not exist yet, so the policy's conditions are applied here
 * rather than by the permission backend; without this, anyone allowed to
 * create could create a cluster for another team.
 *
 * @throws NotAllowedError naming the permission and the owner.
 */
export async function requireMayOperateAs(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  cluster: ClusterPermissionResource,
): Promise<void> {
  const [decision] = await permissions.authorizeConditional(
    [{ permission: basaltClusterUpdatePermission }],
    { credentials },
  );
  if (!isAllowed(decision, cluster)) {
    throw new NotAllowedError(
      `Not allowed: ${basaltClusterUpdatePermission.name} on EngineCluster ${cluster.ref} owned by ${cluster.owner}; name a team you belong to as its owner`,
    );
  }
}
