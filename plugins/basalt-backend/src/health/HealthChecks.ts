import { ConflictError } from '@backstage/errors';
import { HealthReport, summarizeHealth } from '@basalt/plugin-basalt-common';
import { BasaltHealthCheck, runHealthCheck } from '@basalt/plugin-basalt-node';

/**
 * The set of health checks behind `GET /api/basalt/health`: the plugin's
 * own and those added by modules through the extension point.
 */
export class HealthChecks {
  readonly #checks = new Map<string, BasaltHealthCheck>();
  readonly #timeoutMs: number;

  constructor(options: { timeoutMs: number }) {
    this.#timeoutMs = options.timeoutMs;
  }

  add(...checks: BasaltHealthCheck[]): void {
    for (const check of checks) {
      if (this.#checks.has(check.name)) {
        throw new ConflictError(
          `A Basalt health check named '${check.name}' is already registered`,
        );
      }
      this.#checks.set(check.name, check);
    }
  }

  /** Runs every check concurrently, each with its own deadline. */
  async report(): Promise<HealthReport> {
    const results = await Promise.all(
      [...this.#checks.values()].map(check =>
        runHealthCheck(check, { timeoutMs: this.#timeoutMs }),
      ),
    );
    return summarizeHealth(results);
  }
}
