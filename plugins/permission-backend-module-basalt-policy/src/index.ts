/**
 * Basalt's owner-scoped permission policy, as a module of the Backstage
 * permission backend, and its decision for portals that write their own
 * policy.
 *
 * @packageDocumentation
 */

export { permissionModuleBasaltPolicy as default } from './module';
export { BasaltPermissionPolicy } from './BasaltPermissionPolicy';
export { basaltPolicyDecision } from './basaltPolicyDecision';
export { readBasaltPolicyOptions } from './policyOptions';
export type { BasaltPolicyOptions } from './policyOptions';
