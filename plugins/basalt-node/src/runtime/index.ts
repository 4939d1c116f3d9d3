export type {
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
