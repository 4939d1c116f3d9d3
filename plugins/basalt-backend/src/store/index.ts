export { ClusterStore } from './ClusterStore';
export type { ApplyResult, ClusterFilter } from './ClusterStore';
export { EventStore } from './EventStore';
export { InstanceStore } from './InstanceStore';
export { connectAndMigrate } from './migrate';
