import { ConflictError } from '@backstage/errors';
import { FailoverRecord } from '@basalt/plugin-basalt-common';
import {
  EngineContext,
  InstanceRoleRequest,
  replicationSourceOf,
  RuntimeInstance,
} from '@basalt/plugin-basalt-node';
import { rootCauseMessage } from '../errors';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { StoredOperation } from '../../store';
import {
  asPlanned,
  cancelPointless,
  startCreating,
  undoInterrupted,
} from './createInstances';
import { ensureFailover } from './ensureFailover';
import { instanceFailure } from './instanceFailure';
import { instanceRequest } from './instanceRequest';
import { ordinalOf } from './naming';
import { primaryOf, probeInstances } from './probeInstances';

/** What {@link ensureInstances} found and did. */
export interface InstancesOutcome {
  observed: ObservedInstance[];
  /** A failover that happened in this pass. */
  failover?: FailoverRecord;
  /** Instances being created (operations running, in any backend). */
  creating: StoredOperation[];
}

/**
 * Brings the cluster's instances to `spec.replicas`: fails over from a
 * lost primary, restarts stopped instances (the recorded primary as
 * primary, every other one as its replica, so a returning former primary
 * rejoins as a replica), starts creating the first primary of a new
 * cluster, and once it answers the missing replicas (also those lost with
 * their node, cloned from the primary onto other ready nodes), and removes
 * surplus replicas (never the primary). Creating an instance is an
 * operation: this pass starts it and returns; instances being created are
 * left out of the rest until they are done. What a creation interrupted by
 * a backend that stopped left is removed first; creations a newer spec no
 * longer needs are stopped before any instance is removed. A creation
 * that failed is reported as this pass's failure, and started again by a
 * later pass. Returns the instances as probed afterwards.
 */
export async function ensureInstances(
  ctx: ReconcileContext,
  engine: EngineContext,
): Promise<InstancesOutcome> {
  const { runtime, key } = ctx;
  await undoInterrupted(ctx);
  const running = await ctx.operations.running();
  const creating = running.filter(o => o.kind === 'create-instance');
  const beingCreated = new Set(creating.map(o => o.target));
  const listed = async () =>
    (await runtime.listInstances(key)).filter(i => !beingCreated.has(i.name));
  let instances = await listed();
  await adoptPrimary(ctx, engine, instances);
  const failover = await ensureFailover(ctx, engine, instances);
  if (failover) instances = await listed();
  const restarting = new Set(
    running.filter(o => o.kind === 'restart').map(o => o.target!),
  );
  instances = await startStopped(ctx, engine, instances, restarting);

  let observed = await probeInstances(ctx, engine, instances);
  const primary = primaryOf(observed, ctx.primaryInstance);
  const missing = ctx.cluster.spec.replicas - observed.length - creating.length;
  // A new cluster's first primary, alone; replicas once it answers.
  const firstPrimary = instances.length === 0 && creating.length === 0;
  if (missing > 0 && (primary || firstPrimary)) {
    const [failed] = ctx.operations.takeFailures('create-instance');
    if (failed) {
      // What a former instance of that name left is never taken over:
      // the next attempt, after the backoff, uses another name.
      if (hasCause(failed.error, ConflictError)) {
        ctx.retiredNames.add(failed.operation.target!);
      }
      // Reported once, as this pass's failure.
      throw failed.error;
    }
    creating.push(
      ...(await startCreating(
        ctx,
        engine,
        [...instances, ...creating.map(asPlanned)],
        // The replicas once the first primary answers.
        primary ? missing : 1,
        primary,
      )),
    );
  } else if (missing < 0 && creating.length > 0) {
    await cancelPointless(ctx, creating, -missing);
  } else if (primary && missing < 0 && creating.length === 0) {
    // Only with a primary known: an instance that does not answer may be
    // the primary, and removing it would lose the cluster's data.
    observed = await removeSurplus(ctx, observed, primary, -missing);
  }
  return { observed, failover, creating };
}

/**
 * Records which instance is primary for a cluster that has none recorded
 * (created before Basalt recorded it): the one that answers as primary.
 */
async function adoptPrimary(
  ctx: ReconcileContext,
  engine: EngineContext,
  instances: RuntimeInstance[],
): Promise<void> {
  if (ctx.primaryInstance || instances.length === 0) return;
  const primary = primaryOf(await probeInstances(ctx, engine, instances));
  if (primary) await ctx.setPrimary(primary.instance.name);
}

/**
 * Starts stopped instances: the recorded primary first, as primary, then
 * the others as its replicas. A former primary that cannot be turned into
 * a replica (its rewind failed) is removed, and cloned afresh by the
 * scale-up that follows. Those a rolling restart has stopped (`restarting`)
 * are left to it.
 */
async function startStopped(
  ctx: ReconcileContext,
  engine: EngineContext,
  instances: RuntimeInstance[],
  restarting: Set<string>,
): Promise<RuntimeInstance[]> {
  const primary = instances.find(i => i.name === ctx.primaryInstance);
  const start = async (
    instance: RuntimeInstance,
    role?: InstanceRoleRequest,
  ): Promise<RuntimeInstance> => {
    if (instance.running || restarting.has(instance.name)) return instance;
    try {
      return await ctx.runtime.ensureInstance({
        ...instanceRequest(ctx, engine, instance.name, instance.node),
        role,
      });
    } catch (error) {
      throw instanceFailure(
        ctx,
        `Could not start instance ${instance.name} on ${instance.node}`,
        error,
      );
    }
  };
  const startedPrimary = primary && (await start(primary, { role: 'primary' }));
  const started = await Promise.all(
    instances
      .filter(i => i !== primary)
      .map(async instance => {
        const role: InstanceRoleRequest | undefined = startedPrimary
          ? { role: 'replica', primary: replicationSourceOf(startedPrimary) }
          : undefined;
        try {
          return await start(instance, role);
        } catch (error) {
          if (!role || instance.running) throw error;
          await ctx.runtime.removeInstance(ctx.key, instance.name);
          await ctx.recordEvent(
            'Warning',
            'InstanceRecloned',
            `Removed ${
              instance.name
            }, which could not rejoin as a replica (${rootCauseMessage(
              error,
            )}); a fresh copy of the primary replaces it`,
          );
          return undefined;
        }
      }),
  );
  return [
    ...(startedPrimary ? [startedPrimary] : []),
    ...started.filter((i): i is RuntimeInstance => !!i),
  ];
}

async function removeSurplus(
  ctx: ReconcileContext,
  observed: ObservedInstance[],
  primary: ObservedInstance,
  count: number,
): Promise<ObservedInstance[]> {
  const name = ctx.cluster.metadata.name;
  // Instances that do not answer go first (e.g. one returning with a node
  // that was lost and replaced), then the highest ordinals.
  const surplus = observed
    .filter(o => o !== primary && o.probe.role !== 'primary')
    .sort(
      (a, b) =>
        Number(a.probe.ready) - Number(b.probe.ready) ||
        ordinalOf(name, b.instance.name) - ordinalOf(name, a.instance.name),
    )
    .slice(0, count);
  for (const { instance } of surplus) {
    await ctx.runtime.removeInstance(ctx.key, instance.name);
    await ctx.recordEvent(
      'Normal',
      'InstanceRemoved',
      `Removed instance ${instance.name} from ${instance.node}`,
    );
  }
  return observed.filter(o => !surplus.includes(o));
}

/** Whether `error` or one of its causes is a `type`. */
function hasCause(error: unknown, type: typeof ConflictError): boolean {
  let current: unknown = error;
  while (current instanceof Error) {
    if (current instanceof type) return true;
    current = (current as Error).cause;
  }
  return false;
}
