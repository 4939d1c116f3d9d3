export { RedisDriver } from './RedisDriver';
export type { RedisDriverOptions } from './RedisDriver';
export { basaltModuleEngineRedis } from './module';
