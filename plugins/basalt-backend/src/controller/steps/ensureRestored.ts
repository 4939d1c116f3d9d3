import { NotFoundError, InputError } from '@backstage/errors';
import { ClusterReasons } from '@basalt/plugin-basalt-common';
import { EngineContext } from '@basalt/plugin-basalt-node';
import { BackupCorruptedError } from '../../backups/BackupCorruptedError';
import { Observation } from '../computeStatus';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { primaryOf } from './probeInstances';

/**
 * Finishes restoring `spec.restore` once the first primary answers: a
 * physical backup was restored as that primary was created, so it is only
 * recorded; a logical one is loaded into it now, before the manifest's
 * databases and accounts are ensured. Returns the Restored condition.
 */
export async function ensureRestored(
  ctx: ReconcileContext,
  engine: EngineContext,
  observed: ObservedInstance[],
): Promise<Observation['restore']> {
  const { restore } = ctx;
  if (!restore) return undefined;
  const primary = primaryOf(observed, ctx.primaryInstance);
  if (!primary?.probe.ready) {
    return restoring(restore.description);
  }
  if (restore.method === 'logical') {
    const changes = await restore.loadLogical(primary.instance.address, engine);
    for (const change of changes) {
      await ctx.recordEvent('Normal', 'Restoring', change);
    }
  }
  await restore.markRestored();
  ctx.restore = undefined;
  const message = `Restored ${restore.description}`;
  await ctx.recordEvent('Normal', ClusterReasons.RestoreComplete, message);
  return { restored: true, reason: ClusterReasons.RestoreComplete, message };
}

/** The Restored condition while the restore is under way. */
export function restoring(description: string): Observation['restore'] {
  return {
    restored: false,
    reason: ClusterReasons.Restoring,
    message: `Restoring ${description}`,
  };
}

/**
 * Whether a restore that failed with `error` can never succeed by trying
 * again: the backup is corrupted or gone, or the source is invalid.
 */
export function isPermanentRestoreError(error: unknown): boolean {
  let current: unknown = error;
  while (current instanceof Error) {
    if (
      current instanceof BackupCorruptedError ||
      current instanceof NotFoundError ||
      current instanceof InputError
    ) {
      return true;
    }
    current = current.cause;
  }
  return false;
}
