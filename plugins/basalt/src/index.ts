/**
 * The Basalt frontend plugin: the Basalt page and, for each service's
 * databases, cards on its catalog page.
 *
 * @packageDocumentation
 */

export { basaltPlugin as default } from './alpha';
export { basaltApiRef } from './api';
