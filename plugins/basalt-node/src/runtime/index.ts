export type {
  ClusterKey,
  EndpointTargets,
  InstanceRequest,
  Runtime,
  RuntimeEvent,
  RuntimeInstance,
  RuntimeNode,
} from './types';
