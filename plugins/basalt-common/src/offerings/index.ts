export type {
  Engine,
  EngineTemplate,
  Offerings,
  RegionProfile,
  ResourceClass,
} from './types';
export { PolicyViolationError, applyOfferings } from './applyOfferings';
