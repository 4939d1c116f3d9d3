export type {
  AccountBinding,
  ResourceEnforcement,
  VolumeEnforcement,
  VolumeRequest,
  VolumeUsage,
  ArchiveSpool,
  SpooledFile,
  ClusterKey,
  EndpointTargets,
  InstanceRequest,
  LogReadOptions,
  Runtime,
  InstanceExitedEvent,
  InstanceWarningEvent,
  RuntimeEvent,
  RuntimeEventBase,
  RuntimeInstance,
  RuntimeNode,
} from './types';
export { initializeData } from './initializeData';
export { replicationSourceOf } from './replicationSource';
