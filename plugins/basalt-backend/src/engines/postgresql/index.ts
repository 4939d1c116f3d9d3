export { PostgresDriver } from './PostgresDriver';
export type { PostgresDriverOptions } from './PostgresDriver';
export { basaltModuleEnginePostgresql } from './module';
