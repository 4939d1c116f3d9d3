/**
 * The Basalt backend plugin.
 *
 * @packageDocumentation
 */

export { basaltPlugin as default } from './plugin';
export * from './permissions';
export { basaltModuleEnginePostgresql } from './engines/postgresql';
