export type {
  ClusterCredentials,
  EngineAddress,
  EngineContext,
  EngineDriver,
  EngineHost,
  InstanceProbe,
  ParsedLogLine,
} from './types';
export { EngineUnavailableError } from './errors';
