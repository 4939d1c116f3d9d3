import { CustomErrorBase } from '@backstage/errors';
import { ClusterReason, ClusterReasons } from '@basalt/plugin-basalt-common';
import { EngineUnavailableError } from '@basalt/plugin-basalt-node';

/**
 * A failure the controller reports on the cluster as a condition reason, so
 * people and automation see why it is not ready.
 */
export class ClusterReconcileError extends CustomErrorBase {
  name = 'ClusterReconcileError' as const;

  constructor(readonly reason: ClusterReason, message: string, cause?: Error) {
    super(message, cause);
  }
}

/**
 * This backend lost the leadership lease while acting on a cluster: it
 * stops, and the new leader takes over from what it finds.
 */
export class LeadershipLostError extends CustomErrorBase {
  name = 'LeadershipLostError' as const;

  constructor(what: string) {
    super(`Stopped before ${what}: this backend no longer leads`);
  }
}

/** Throws {@link LeadershipLostError} unless this backend still leads. */
export function ensureStillLeading(
  ctx: { stillLeads(): boolean },
  what: string,
): void {
  if (!ctx.stillLeads()) throw new LeadershipLostError(what);
}

/**
 * The condition reason for any error a reconcile ran into. Steps name what
 * failed with a {@link ClusterReconcileError}; anything else (a store or
 * platform error) is a `ReconcileError`, not blamed on an instance.
 */
export function reasonOf(error: unknown): ClusterReason {
  if (error instanceof ClusterReconcileError) return error.reason;
  if (error instanceof EngineUnavailableError) {
    return ClusterReasons.EngineUnavailable;
  }
  return ClusterReasons.ReconcileError;
}

/**
 * The message of the innermost cause: what actually went wrong, without the
 * chain of wrappers (each of which repeats its cause's message).
 */
export function rootCauseMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}
