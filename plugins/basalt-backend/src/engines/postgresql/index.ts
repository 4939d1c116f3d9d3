export { PostgresDriver } from './PostgresDriver';
export type { PostgresDriverOptions } from './PostgresDriver';
