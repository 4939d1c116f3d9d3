export { LocalRuntime } from './LocalRuntime';
export type { LocalRuntimeOptions } from './LocalRuntime';
export type { PortRange } from './PortAllocator';
