export { MEMORY_LOG_FILE_WRITES } from './MemoryBackups';
export { MemoryDriver } from './MemoryDriver';
export { MemoryRuntime } from './MemoryRuntime';
export { MemoryWorld } from './MemoryWorld';
export { memoryEngineModule } from './memoryEngineModule';
export { startMemoryBackend } from './startMemoryBackend';
export type { MemoryBackend } from './startMemoryBackend';
