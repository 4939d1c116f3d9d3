import {
  InputError,
  NotFoundError,
  NotImplementedError,
} from '@backstage/errors';
import { ClusterReasons } from '@basalt/plugin-basalt-common';
import { EngineContext } from '@basalt/plugin-basalt-node';
import { BackupCorruptedError } from '../../backups/BackupCorruptedError';
import { Observation } from '../computeStatus';
import { StoredOperation } from '../../store';
import type { OperationControl } from '../operations/OperationRunner';
import {
  ObservedInstance,
  PendingRestore,
  ReconcileContext,
} from '../ReconcileContext';
import { primaryOf } from './probeInstances';

/** What {@link ensureRestored} found. */
export interface RestoreOutcome {
  /** The Restored condition; undefined for a cluster not restored. */
  condition: Observation['restore'];
  /** The load of a logical backup, while it runs. */
  loading: StoredOperation[];
}

/**
 * Finishes restoring `spec.restore` once the first primary answers: a
 * physical backup was restored as that primary was created, so it is only
 * recorded; a logical one is loaded into it by a `restore` operation,
 * before the manifest's databases and accounts are ensured. A load cut
 * short by a backend that stopped is started again: the load drops what
 * the cut one left of a database before loading it.
 */
export async function ensureRestored(
  ctx: ReconcileContext,
  engine: EngineContext,
  observed: ObservedInstance[],
): Promise<RestoreOutcome> {
  const { restore } = ctx;
  if (!restore) return { condition: undefined, loading: [] };
  const primary = primaryOf(observed, ctx.primaryInstance);
  if (!primary?.probe.ready) {
    return { condition: restoring(restore.description), loading: [] };
  }
  if (restore.method === 'physical') {
    await markRestored(ctx, restore);
    return { condition: restored(restore.description), loading: [] };
  }
  for (const interrupted of await ctx.operations.interrupted('restore')) {
    await ctx.recordEvent(
      'Warning',
      'RestoreInterrupted',
      `Loading ${restore.description} was interrupted when the backend running it stopped; it is loaded again`,
    );
    await ctx.operations.undone(interrupted);
  }
  const [failed] = ctx.operations.takeFailures('restore');
  if (failed) throw failed.error;
  const running = await ctx.operations.running('restore');
  if (running.length) {
    return { condition: restoring(restore.description), loading: running };
  }
  // Asked after the running ones: a load that has ended recorded its end.
  if (await restore.isRestored()) {
    ctx.restore = undefined;
    return { condition: restored(restore.description), loading: [] };
  }
  const started = await ctx.operations.start(
    {
      kind: 'restore',
      target: primary.instance.name,
      node: primary.instance.node,
      progress: `Loading ${restore.description}`,
    },
    control => loadLogical(ctx, engine, restore, primary, control),
  );
  return { condition: restoring(restore.description), loading: [started] };
}

/**
 * The work of a `restore` operation: loads the logical backup into the
 * primary, one database after the other, and records the restore done.
 */
async function loadLogical(
  ctx: ReconcileContext,
  engine: EngineContext,
  restore: PendingRestore,
  primary: ObservedInstance,
  control: OperationControl,
): Promise<void> {
  const changes = await restore.loadLogical(
    primary.instance.address,
    engine,
    control.signal,
  );
  for (const change of changes) {
    await ctx.recordEvent('Normal', 'Restoring', change);
  }
  await markRestored(ctx, restore);
}

async function markRestored(
  ctx: ReconcileContext,
  restore: PendingRestore,
): Promise<void> {
  await restore.markRestored();
  ctx.restore = undefined;
  await ctx.recordEvent(
    'Normal',
    ClusterReasons.RestoreComplete,
    `Restored ${restore.description}`,
  );
}

/** The Restored condition once the restore is done. */
export function restored(description: string): Observation['restore'] {
  return {
    restored: true,
    reason: ClusterReasons.RestoreComplete,
    message: `Restored ${description}`,
  };
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
 * again: the backup is corrupted or gone, the source is invalid, or the
 * engine's driver cannot restore what was asked.
 */
export function isPermanentRestoreError(error: unknown): boolean {
  let current: unknown = error;
  while (current instanceof Error) {
    if (
      current instanceof BackupCorruptedError ||
      current instanceof NotFoundError ||
      current instanceof InputError ||
      current instanceof NotImplementedError
    ) {
      return true;
    }
    current = current.cause;
  }
  return false;
}
