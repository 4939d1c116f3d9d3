export { ClusterStore } from './ClusterStore';
export type {
  AppliedManifest,
  ApplyOptions,
  ApplyResult,
  ClusterFilter,
  StoredCluster,
} from './ClusterStore';
export { EventStore } from './EventStore';
export { InstanceStore } from './InstanceStore';
export type { InstanceStorage } from './InstanceStore';
export { PrimaryStore } from './PrimaryStore';
export type { SwitchoverRequest } from './rows';
export { connectAndMigrate } from './migrate';
export { BackupStore } from './BackupStore';
export type { NewBackup, StoredBackup } from './BackupStore';
export { LifecycleStore } from './LifecycleStore';
export type { ClusterLifecycle } from './LifecycleStore';
export type { DeletionBlock } from './rows';
export { OperationStore } from './OperationStore';
export type {
  NewOperation,
  OperationEnd,
  StoredOperation,
} from './OperationStore';
