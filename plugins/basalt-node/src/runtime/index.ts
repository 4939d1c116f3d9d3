export type {
  ClusterKey,
  EndpointTargets,
  InstanceRequest,
  LogReadOptions,
  Runtime,
  RuntimeEvent,
  RuntimeInstance,
  RuntimeNode,
} from './types';
