export {
  ACCOUNT_ROLES,
  ENGINE_ID_PATTERN,
  ENGINE_CLUSTER_API_VERSION,
  ENGINE_CLUSTER_KIND,
  RESOURCE_CLASSES,
  TERMINATION_POLICIES,
  DEFAULT_BACKUP_POLICY,
  backupPolicyOf,
  restoreSourceSchema,
  engineClusterMetadataSchema,
  engineClusterSchema,
  engineClusterSpecSchema,
} from './schema';
export type {
  BackupPolicy,
  EngineCluster,
  EngineClusterInput,
  ParsedEngineCluster,
} from './schema';
export {
  ManifestValidationError,
  parseEngineCluster,
} from './parseEngineCluster';
export type { ManifestIssue } from './parseEngineCluster';
