/**
 * Isomorphic contracts of Basalt shared by the frontend plugin, the backend
 * plugin and the scaffolder module: the `EngineCluster` manifest, cluster
 * status and conditions, permissions, API types and the typed client.
 *
 * @packageDocumentation
 */

export * from './backups';
export * from './client';
export * from './cluster';
export * from './constants';
export * from './format';
export * from './health';
export * from './manifest';
export * from './offerings';
export * from './parameters';
export * from './permissions';
