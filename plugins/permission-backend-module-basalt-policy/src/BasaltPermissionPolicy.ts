import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { basaltPolicyDecision } from './basaltPolicyDecision';
import { BasaltPolicyOptions } from './policyOptions';

/**
 * Basalt's owner-scoped policy for Basalt's permissions (see
 * {@link basaltPolicyDecision}); every other plugin's permissions are
 * allowed, as with Backstage's allow-all policy. A portal that scopes other
 * plugins too writes its own policy and calls `basaltPolicyDecision` in it.
 *
 * @public
 */
export class BasaltPermissionPolicy implements PermissionPolicy {
  constructor(private readonly options: BasaltPolicyOptions) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    return (
      basaltPolicyDecision(request, user, this.options) ?? {
        result: AuthorizeResult.ALLOW,
      }
    );
  }
}
