import { HealthCheckResult } from '@basalt/plugin-basalt-common';
import { BasaltHealthCheck } from './types';

/**
 * Runs one health check with a deadline and always resolves: a thrown error
 * or a check that is still running at the deadline becomes a failing result
 * that says so, so one hung dependency cannot hang the health route.
 *
 * @public
 */
export async function runHealthCheck(
  healthCheck: BasaltHealthCheck,
  options: { timeoutMs: number },
): Promise<HealthCheckResult> {
  const started = Date.now();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`did not answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
  });
  const result = (status: HealthCheckResult['status'], message: string) => ({
    name: healthCheck.name,
    status,
    message,
    durationMs: Date.now() - started,
  });
  try {
    const { message } = await Promise.race([
      healthCheck.check({ signal: controller.signal }),
      deadline,
    ]);
    return result('pass', message);
  } catch (error) {
    return result(
      'fail',
      error instanceof Error ? error.message : String(error),
    );
  } finally {
    clearTimeout(timer);
  }
}
