export {
  basaltClusterConditions,
  basaltClusterPermissionRules,
  clusterPermissionResourceRef,
  createBasaltClusterConditionalDecision,
  isClusterOwner,
} from './rules';
export type { ClusterPermissionResource } from './rules';
