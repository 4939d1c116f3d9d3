export type {
  Engine,
  EngineTemplate,
  NetworkPolicy,
  Offerings,
  RegionProfile,
  ResourceClass,
} from './types';
export { PolicyViolationError, applyOfferings } from './applyOfferings';
export { DEFAULT_NETWORK_POLICY } from './types';
export type {
  EngineCapabilities,
  LagUnit,
  ReplicationMode,
} from './capabilities';
export {
  checkCapabilities,
  withEngineBackupDefaults,
} from './checkCapabilities';
