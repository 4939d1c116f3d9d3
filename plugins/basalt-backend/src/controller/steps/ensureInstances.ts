import { ConflictError } from '@backstage/errors';
import {
  ClusterReasons,
  FailoverRecord,
  clusterRefOf,
} from '@basalt/plugin-basalt-common';
import {
  EngineContext,
  EngineUnavailableError,
  InstanceRoleRequest,
  replicationSourceOf,
  RuntimeInstance,
} from '@basalt/plugin-basalt-node';
import { ClusterReconcileError, rootCauseMessage } from '../errors';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import type { OperationControl } from '../operations/OperationRunner';
import { StoredOperation } from '../../store';
import { ensureFailover } from './ensureFailover';
import { instanceRequest } from './instanceRequest';
import { freeOrdinals, instanceName, ordinalOf } from './naming';
import { VolumeAllocation } from '../../pools';
import { volumeAllocations } from '../volumeAllocations';
import { placeInstances } from './placeInstances';
import { primaryOf, probeInstances, waitUntilReady } from './probeInstances';

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
 * left out of the rest until they are done, and what a creation
 * interrupted by a backend that stopped left is removed first. A creation that failed is
 * reported as this pass's failure, and started again by a later pass.
 * Returns the instances as probed afterwards.
 */
export async function ensureInstances(
  ctx: ReconcileContext,
  engine: EngineContext,
): Promise<InstancesOutcome> {
  const { runtime, key } = ctx;
  await undoInterrupted(ctx);
  const creating = await ctx.operations.running('create-instance');
  const beingCreated = new Set(creating.map(o => o.target));
  const listed = async () =>
    (await runtime.listInstances(key)).filter(i => !beingCreated.has(i.name));
  let instances = await listed();
  await adoptPrimary(ctx, engine, instances);
  // A first primary still being created is not lost.
  const failover = beingCreated.has(ctx.primaryInstance)
    ? undefined
    : await ensureFailover(ctx, engine, instances);
  if (failover) instances = await listed();
  instances = await startStopped(ctx, engine, instances);

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
  } else if (primary && missing < 0 && creating.length === 0) {
    // Only with a primary known: an instance that does not answer may be
    // the primary, and removing it would lose the cluster's data.
    observed = await removeSurplus(ctx, observed, primary, -missing);
  }
  return { observed, failover, creating };
}

/**
 * Removes what creations interrupted by a backend that stopped left (a
 * half-cloned replica, a first primary that never answered), so the
 * instance is created afresh: never adopted half-made, never left behind.
 */
async function undoInterrupted(ctx: ReconcileContext): Promise<void> {
  for (const operation of await ctx.operations.interrupted('create-instance')) {
    const instance = operation.target!;
    await ctx.runtime.removeInstance(ctx.key, instance);
    await ctx.recordEvent(
      'Warning',
      'CreationInterrupted',
      `Removed instance ${instance} on ${operation.node}: its creation was interrupted when the backend running it stopped; it is created afresh`,
    );
    await ctx.operations.undone(operation);
  }
}

/** An instance being created, as far as naming and placement go. */
function asPlanned(operation: StoredOperation): Planned {
  return { name: operation.target!, node: operation.node! };
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
 * scale-up that follows.
 */
async function startStopped(
  ctx: ReconcileContext,
  engine: EngineContext,
  instances: RuntimeInstance[],
): Promise<RuntimeInstance[]> {
  const primary = instances.find(i => i.name === ctx.primaryInstance);
  const start = async (
    instance: RuntimeInstance,
    role?: InstanceRoleRequest,
  ): Promise<RuntimeInstance> => {
    if (instance.running) return instance;
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

/**
 * Why an instance could not be created or started, as the condition to
 * report: missing programs are the engine's problem, not this instance's;
 * an engine that refuses the cluster's configuration fails the same way
 * until the spec changes (`ConfigurationRejected`, not retried); anything
 * else is `InstanceFailed`, retried with backoff.
 */
function instanceFailure(
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

/** An instance by name and node: existing, or being created. */
interface Planned {
  name: string;
  node: string;
}

/**
 * Places `count` new instances and starts creating each one as an
 * operation: the first primary of a new cluster (from `spec.restore`'s
 * backup when it has one), or replicas cloned from `primary`.
 */
async function startCreating(
  ctx: ReconcileContext,
  engine: EngineContext,
  existing: Planned[],
  count: number,
  primary: ObservedInstance | undefined,
): Promise<StoredOperation[]> {
  const name = ctx.cluster.metadata.name;
  const cluster = clusterRefOf(ctx.cluster);
  // Names of instances lost with their node stay taken: the node may come
  // back with them.
  const known = ctx.cluster.status?.instances.map(i => i.name) ?? [];
  const ordinals = freeOrdinals(
    name,
    [...existing.map(i => i.name), ...known, ...ctx.retiredNames],
    count,
  );
  const names = ordinals.map(ordinal => instanceName(name, ordinal));
  const nodes = placeInstances({
    cluster,
    storage: ctx.cluster.spec.storage,
    instances: names,
    nodes: await ctx.runtime.listNodes(),
    pools: ctx.pools,
    allocations: await withExisting(ctx, existing),
  });
  (await ctx.allocations()).push(
    ...volumeAllocations(
      names.map((instance, index) => ({
        instance,
        node: nodes[index],
        cluster,
        storage: ctx.cluster.spec.storage,
      })),
    ),
  );
  return Promise.all(
    names.map((instance, index) =>
      ctx.operations.start(
        {
          kind: 'create-instance',
          target: instance,
          node: nodes[index],
          progress: primary
            ? `Cloning from ${primary.instance.name}`
            : 'Creating the data',
        },
        control =>
          createInstance(ctx, engine, instance, nodes[index], primary, control),
      ),
    ),
  );
}

/**
 * The work of one create-instance operation: creates the instance (a
 * replica clones the primary's data; a half-made one is removed by the
 * runtime when this fails), records the first primary, and waits until it
 * answers. Aborted, it removes the instance it made.
 */
async function createInstance(
  ctx: ReconcileContext,
  engine: EngineContext,
  instance: string,
  node: string,
  primary: ObservedInstance | undefined,
  control: OperationControl,
): Promise<void> {
  const role = primary ? 'replica' : 'primary';
  await ctx.recordEvent(
    'Normal',
    'CreatingInstance',
    `Creating instance ${instance} on ${node} as ${role}${
      primary ? `, cloning from ${primary.instance.name}` : ''
    }`,
  );
  let created: RuntimeInstance;
  try {
    created = await ctx.runtime.ensureInstance(
      instanceRequest(ctx, engine, instance, node, primary),
    );
  } catch (error) {
    throw instanceFailure(
      ctx,
      `Could not create instance ${instance} on ${node} as ${role}`,
      error,
    );
  }
  if (control.signal.aborted) {
    await ctx.runtime.removeInstance(ctx.key, instance);
    return;
  }
  if (!primary) await ctx.setPrimary(instance);
  control.report('Waiting until it answers');
  await waitUntilReady(ctx, engine, created);
  await ctx.recordEvent(
    'Normal',
    'InstanceCreated',
    `Created instance ${instance} on ${node} as ${role}`,
  );
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

/**
 * The recorded allocations, with this cluster's running instances added
 * where the store does not have them yet (created earlier in this pass).
 */
async function withExisting(
  ctx: ReconcileContext,
  existing: Planned[],
): Promise<VolumeAllocation[]> {
  const cluster = clusterRefOf(ctx.cluster);
  const allocations = await ctx.allocations();
  const recorded = new Set(allocations.map(a => a.volume));
  const missing = volumeAllocations(
    existing.map(instance => ({
      instance: instance.name,
      node: instance.node,
      cluster,
      storage: ctx.cluster.spec.storage,
    })),
  ).filter(allocation => !recorded.has(allocation.volume));
  return [...allocations, ...missing];
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
