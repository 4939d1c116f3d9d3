/**
 * Extension points and helpers for Basalt backend modules.
 *
 * @packageDocumentation
 */

export * from './extensions';
export * from './health';
