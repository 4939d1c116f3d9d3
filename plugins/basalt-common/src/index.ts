/**
 * Isomorphic contracts of Basalt: API types and the typed client, shared by
 * the frontend plugin, the backend plugin and the scaffolder module.
 *
 * @packageDocumentation
 */

export * from './client';
export * from './health';
export * from './constants';
export * from './manifest';
