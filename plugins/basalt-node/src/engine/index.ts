export type {
  ClusterCredentials,
  EngineAddress,
  EngineContext,
  EngineDriver,
  EngineHost,
  InstanceProbe,
} from './types';
export { EngineUnavailableError } from './errors';
