/**
 * Contracts and extension points for Basalt backend modules: engine drivers,
 * runtimes and health checks.
 *
 * @packageDocumentation
 */

export * from './engine';
export * from './extensions';
export * from './health';
export * from './runtime';
export * from './permissions';
