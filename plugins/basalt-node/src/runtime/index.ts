export type {
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
  RuntimeEvent,
  RuntimeInstance,
  RuntimeNode,
} from './types';
export { replicationSourceOf } from './replicationSource';
