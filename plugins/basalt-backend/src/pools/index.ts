export type {
  NodePool,
  OverAllocation,
  Placement,
  PlacementRequest,
  PoolUsage,
  VolumeAllocation,
} from './types';
export { readPoolConfig, POOL_DEFAULTS } from './readPoolConfig';
export { VolumePools } from './VolumePools';
export type { PoolConfigOptions } from './readPoolConfig';
export { PlacementEngine } from './placement';
export type { PlacementEngineOptions } from './placement';
export { PlacementRefusedError } from './refusal';
export type { NodeRefusal, RefusalReason } from './refusal';
export { parseQuantity, formatBytes } from './quantity';
export { volumeLimitsOf } from './volumeLimits';
export type { StorageRequest, VolumeLimits } from './volumeLimits';
