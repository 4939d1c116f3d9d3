/**
 * The Basalt backend plugin.
 *
 * @packageDocumentation
 */

export { basaltPlugin as default } from './plugin';
