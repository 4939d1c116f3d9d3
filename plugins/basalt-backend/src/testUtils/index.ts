/**
 * Helpers for tests that run Basalt with real engines, for this and other
 * packages (`@basalt/plugin-basalt-backend/testUtils`).
 *
 * @packageDocumentation
 */

export { eventually } from './eventually';
export { killProcessesUnder } from './killProcessesUnder';
export { releaseVolumesUnder } from './releaseVolumesUnder';
