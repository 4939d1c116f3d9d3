import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { BASALT_CLUSTER_RESOURCE_TYPE } from '@basalt/plugin-basalt-common';

type ClusterPermission = ResourcePermission<
  typeof BASALT_CLUSTER_RESOURCE_TYPE
>;

/**
 * Checks one permission, on the cluster `resourceRef` (`namespace/name`)
 * when given.
 *
 * @throws NotAllowedError naming the permission and the cluster.
 */
export async function requirePermission(
  permissions: PermissionsService,
  permission: BasicPermission | ClusterPermission,
  credentials: BackstageCredentials,
  resourceRef?: string,
): Promise<void> {
  const [decision] = await permissions.authorize(
    [
      resourceRef
        ? { permission: permission as ClusterPermission, resourceRef }
        : { permission: permission as BasicPermission },
    ],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(
      `Not allowed: ${permission.name}${
        resourceRef ? ` on EngineCluster ${resourceRef}` : ''
      }`,
    );
  }
}

/** Who asks: a user's entity ref, or `service:<subject>`, for events. */
export function actorRef(credentials: BackstageCredentials): string {
  const principal = credentials.principal as
    | BackstageUserPrincipal
    | BackstageServicePrincipal;
  return principal.type === 'user'
    ? principal.userEntityRef
    : `service:${principal.subject ?? 'unknown'}`;
}
