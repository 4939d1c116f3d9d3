import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  BASALT_CLUSTER_RESOURCE_TYPE,
  basaltPermissions,
} from '@basalt/plugin-basalt-common';
import {
  basaltClusterConditions,
  createBasaltClusterConditionalDecision,
} from '@basalt/plugin-basalt-node';
import { BasaltPolicyOptions } from './policyOptions';

const BASALT_PERMISSION_NAMES = new Set(basaltPermissions.map(p => p.name));

/**
 * Basalt's owner-scoped decision for one request, or `undefined` when the
 * permission is not Basalt's, so a portal's own policy can call it first
 * and decide the rest itself:
 *
 * - administrators hold every Basalt permission;
 * - every signed-in user holds the permissions `everyone` names;
 * - on a cluster, the rest are held by its owners: the decision is
 *   conditional on the cluster's owner being among the user's ownership
 *   refs (the user and its groups), so lists are filtered the same way;
 * - everything else is denied.
 *
 * @public
 */
export function basaltPolicyDecision(
  request: PolicyQuery,
  user: PolicyQueryUser | undefined,
  options: BasaltPolicyOptions,
): PolicyDecision | undefined {
  const { permission } = request;
  if (!BASALT_PERMISSION_NAMES.has(permission.name)) return undefined;
  if (!user) return { result: AuthorizeResult.DENY };
  const claims = user.info.ownershipEntityRefs.map(ref =>
    ref.toLocaleLowerCase('en-US'),
  );
  if (
    claims.some(ref => options.administrators.has(ref)) ||
    options.everyone.has(permission.name)
  ) {
    return { result: AuthorizeResult.ALLOW };
  }
  if (isResourcePermission(permission, BASALT_CLUSTER_RESOURCE_TYPE)) {
    return createBasaltClusterConditionalDecision(
      permission,
      basaltClusterConditions.isClusterOwner({
        claims: user.info.ownershipEntityRefs,
      }),
    );
  }
  return { result: AuthorizeResult.DENY };
}
