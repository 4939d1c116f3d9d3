export { MemoryDriver } from './MemoryDriver';
export { MemoryRuntime } from './MemoryRuntime';
export { MemoryWorld } from './MemoryWorld';
export { memoryEngineModule } from './memoryEngineModule';
