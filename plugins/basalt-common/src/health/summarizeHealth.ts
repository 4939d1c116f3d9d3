import { HealthCheckResult, HealthReport } from './types';

/**
 * Builds the health report from individual check results: the backend is
 * `ok` only when every check passes. Checks are listed by name so the report
 * reads the same from one call to the next.
 *
 * @public
 */
export function summarizeHealth(checks: HealthCheckResult[]): HealthReport {
  const sorted = [...checks].sort((a, b) => a.name.localeCompare(b.name));
  return {
    status: sorted.every(check => check.status === 'pass') ? 'ok' : 'failing',
    checks: sorted,
  };
}
