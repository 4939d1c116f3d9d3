/**
 * Outcome of one health check.
 *
 * @public
 */
export type HealthCheckStatus = 'pass' | 'fail';

/**
 * Overall health of the Basalt backend: `ok` when every check passes.
 *
 * @public
 */
export type HealthStatus = 'ok' | 'failing';

/**
 * The result of one named check, as reported by `GET /api/basalt/health`.
 *
 * @public
 */
export interface HealthCheckResult {
  /** Stable name of the check, e.g. `database`. */
  name: string;
  status: HealthCheckStatus;
  /** What was found, in plain words; says what is wrong when the check fails. */
  message: string;
  /** How long the check took, in milliseconds. */
  durationMs: number;
}

/**
 * The body of `GET /api/basalt/health`. The route answers 200 when `status`
 * is `ok` and 503 when it is `failing`, with the same body.
 *
 * @public
 */
export interface HealthReport {
  status: HealthStatus;
  checks: HealthCheckResult[];
}
