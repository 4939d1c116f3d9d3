import { HealthCheckResult } from '@basalt/plugin-basalt-common';

/**
 * A named check that contributes to `GET /api/basalt/health`.
 *
 * Modules add checks for what they bring (a runtime's binaries, a backup
 * repository's reachability). A check resolves with a message when all is
 * well and throws, with an error that says what is wrong, when not.
 *
 * @public
 */
export interface BasaltHealthCheck {
  /** Stable, unique name, e.g. `database` or `runtime-local`. */
  name: string;
  /**
   * Runs the check. Must honour `signal`: it is aborted when the check runs
   * past its deadline.
   */
  check(options: { signal: AbortSignal }): Promise<{ message: string }>;
}

export type { HealthCheckResult };
