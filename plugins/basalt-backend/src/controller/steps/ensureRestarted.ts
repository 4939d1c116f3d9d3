import {
  ClusterReasons,
  FailoverRecord,
  lagIsZero,
} from '@basalt/plugin-basalt-common';
import { EngineContext, EngineDriver } from '@basalt/plugin-basalt-node';
import { ClusterReconcileError } from '../errors';
import { StoredOperation } from '../../store';
import type { OperationControl } from '../operations/OperationRunner';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { switchOver } from './ensureSwitchover';
import { instanceRequest } from './instanceRequest';
import { bestCandidate, hasReached } from './promotion';
import { primaryOf, waitUntilReady } from './probeInstances';

/** How far a rolling restart has come. */
export interface RestartProgress {
  restarted: number;
  total: number;
}

/** What {@link ensureRestarted} did. */
export interface RestartOutcome {
  observed: ObservedInstance[];
  /** Set while the rolling restart is not finished. */
  progress?: RestartProgress;
  /** The switchover that took the primary's turn, in this pass. */
  switchover?: FailoverRecord;
  /** The restart of one instance, while it runs. */
  restarting: StoredOperation[];
}

/**
 * Rolling restart, declared by `ctx.restartRequestedAt`: every instance
 * whose process started before that time restarts, one at a time as a
 * `restart` operation, replicas first and the primary last, each only
 * while all instances are ready. The primary's turn is a switchover to the
 * most advanced replica when it has one, so writes pause only for the
 * switchover; the former primary then starts again as a replica. A new
 * configuration that replicas cannot run with before their primary
 * (`status.configuration.restartPrimaryFirst`) restarts the primary first,
 * in place, and each replica once it has replayed what the restarted
 * primary wrote. The first pass only reports the restart
 * (Progressing=Restarting) so the status says what is happening before
 * anything goes down. Whatever started after the request (a replica added
 * meanwhile, or the instances restarted before a backend restart) is done,
 * so the step picks up where it stopped and restarts nothing twice.
 */
export async function ensureRestarted(
  ctx: ReconcileContext,
  engine: EngineContext,
  observed: ObservedInstance[],
): Promise<RestartOutcome> {
  const requestedAt = ctx.restartRequestedAt;
  if (!requestedAt) return { observed, restarting: [] };
  await noteInterrupted(ctx);
  const [failed] = ctx.operations.takeFailures('restart');
  if (failed) throw failed.error;
  const primary = primaryOf(observed, ctx.primaryInstance);
  // Replicas first, unless the new configuration is one replicas cannot
  // run with before their primary has it.
  const primaryFirst = !!ctx.cluster.status?.configuration?.restartPrimaryFirst;
  const pending = observed
    .filter(o => startedBefore(o, requestedAt))
    .sort(
      (a, b) =>
        (Number(a === primary) - Number(b === primary)) *
          (primaryFirst ? -1 : 1) ||
        a.instance.name.localeCompare(b.instance.name),
    );
  const wasRestarting =
    ctx.cluster.status?.conditions.find(c => c.type === 'Progressing')
      ?.reason === ClusterReasons.Restarting;
  const restarting = await ctx.operations.running('restart');
  if (pending.length === 0 && restarting.length === 0) {
    if (wasRestarting) {
      await ctx.recordEvent(
        'Normal',
        'Restarted',
        `Restarted all ${observed.length} instances, replicas first`,
      );
    }
    return { observed, restarting };
  }
  const total = observed.length;
  const progress = { restarted: total - pending.length, total };
  const allReady = !!primary && observed.every(o => o.probe.ready);
  if (restarting.length || !wasRestarting || !allReady) {
    return { observed, progress, restarting };
  }
  const [next] = pending;
  if (
    primaryFirst &&
    next !== primary &&
    !caughtUp(ctx.driver, next, primary)
  ) {
    // The primary restarted first logged its new settings; a replica that
    // restarts before replaying them starts from the old ones, which are
    // more than it may now run with, and would not open for reads.
    return { observed, progress, restarting };
  }
  const replicas = observed.filter(o => o !== primary);
  const target = bestCandidate(ctx.driver, replicas);
  if (next === primary && target && !primaryFirst) {
    const switchover = await switchOver(ctx, engine, {
      primary,
      target,
      replicas,
      reason: 'the primary’s turn in a rolling restart',
    });
    return { observed, progress, switchover, restarting };
  }
  const { name, node } = next.instance;
  const started = await ctx.operations.start(
    {
      kind: 'restart',
      target: name,
      node,
      progress: `${progress.restarted + 1} of ${total} in the rolling restart`,
    },
    control =>
      restartInstance(ctx, engine, next, control, {
        requestedAt,
        source: next === primary ? undefined : primary,
      }),
  );
  return { observed, progress, restarting: [started] };
}

/**
 * Records the restarts a backend that stopped cut short as dealt with: an
 * instance it left stopped is started by the next restart, which picks
 * it again since its process did not start after the request.
 */
async function noteInterrupted(ctx: ReconcileContext): Promise<void> {
  for (const operation of await ctx.operations.interrupted('restart')) {
    await ctx.recordEvent(
      'Warning',
      'RestartInterrupted',
      `The restart of instance ${operation.target} on ${operation.node} was interrupted when the backend running it stopped; it is restarted again`,
    );
    await ctx.operations.undone(operation);
  }
}

/** Whether the replica has replayed all the primary had written. */
function caughtUp(
  driver: EngineDriver,
  replica: ObservedInstance,
  primary: ObservedInstance,
) {
  const written = primary.probe.position;
  return (
    written !== undefined &&
    hasReached(driver, replica.probe.position, written) &&
    lagIsZero(replica.probe.lag)
  );
}

function startedBefore(observed: ObservedInstance, time: string): boolean {
  const { running, startedAt } = observed.instance;
  return running && !!startedAt && Date.parse(startedAt) < Date.parse(time);
}

/**
 * The work of a `restart` operation: restarts one instance through the
 * runtime and waits until it answers.
 */
async function restartInstance(
  ctx: ReconcileContext,
  engine: EngineContext,
  target: ObservedInstance,
  control: OperationControl,
  options: { requestedAt: string; source?: ObservedInstance },
): Promise<void> {
  const { name, node } = target.instance;
  const role = target.probe.role;
  const startedAt = Date.now();
  const instance = await ctx.runtime.ensureInstance({
    // With the primary as source: a replica whose data vanished is cloned
    // again rather than started as a second primary.
    ...instanceRequest(ctx, engine, name, node, options.source),
    restartedAt: options.requestedAt,
    signal: control.signal,
  });
  control.report('Waiting until it answers');
  const observed = await waitUntilReady(ctx, engine, instance, control.signal);
  if (control.signal.aborted) return;
  if (!observed.probe.ready) {
    throw new ClusterReconcileError(
      ClusterReasons.InstanceFailed,
      `Instance ${name} (${role}) on ${node} did not answer after its restart`,
    );
  }
  const ms = Date.now() - startedAt;
  await ctx.recordEvent(
    'Normal',
    'InstanceRestarted',
    `Restarted instance ${name} (${role}) on ${node} in ${ms} ms`,
  );
  ctx.logger.info(`Restarted instance ${name} (${role}) on ${node}`);
}
