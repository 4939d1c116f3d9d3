export type {
  HealthCheckResult,
  HealthCheckStatus,
  HealthReport,
  HealthStatus,
} from './types';
export { summarizeHealth } from './summarizeHealth';
