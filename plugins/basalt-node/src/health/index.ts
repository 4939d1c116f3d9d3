export type { BasaltHealthCheck } from './types';
export { runHealthCheck } from './runHealthCheck';
