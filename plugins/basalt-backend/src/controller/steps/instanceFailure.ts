import { ClusterReasons } from '@basalt/plugin-basalt-common';
import { EngineUnavailableError } from '@basalt/plugin-basalt-node';
import { ClusterReconcileError, rootCauseMessage } from '../errors';
import { ReconcileContext } from '../ReconcileContext';

/**
 * Why an instance could not be created or started, as the condition to
 * report: missing programs are the engine's problem, not this instance's;
 * an engine that refuses the cluster's configuration fails the same way
 * until the spec changes (`ConfigurationRejected`, not retried); anything
 * else is `InstanceFailed`, retried with backoff.
 */
export function instanceFailure(
  ctx: ReconcileContext,
  what: string,
  error: unknown,
): Error {
  if (error instanceof EngineUnavailableError) return error;
  const cause = rootCauseMessage(error);
  const rejected = ctx.driver.configurationRejected?.(cause);
  return rejected
    ? new ClusterReconcileError(
        ClusterReasons.ConfigurationRejected,
        `${what}: the engine refuses the cluster's configuration (${rejected}); nothing is retried until the spec changes. ${cause}`,
        error as Error,
      )
    : new ClusterReconcileError(
        ClusterReasons.InstanceFailed,
        `${what}: ${cause}`,
        error as Error,
      );
}
