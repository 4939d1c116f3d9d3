/**
 * The Basalt backend plugin.
 *
 * @packageDocumentation
 */

export { basaltPlugin as default } from './plugin';
// The permission rules live in the node library, where policy modules find
// them; kept here for policies written against the backend package.
export {
  basaltClusterConditions,
  basaltClusterPermissionRules,
  clusterPermissionResourceRef,
  createBasaltClusterConditionalDecision,
  isClusterOwner,
} from '@basalt/plugin-basalt-node';
export type { ClusterPermissionResource } from '@basalt/plugin-basalt-node';
export { basaltModuleEnginePostgresql } from './engines/postgresql';
export { basaltModuleEngineRedis } from './engines/redis';
