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
}

/**
 * Brings the cluster's instances to `spec.replicas`: fails over from a
 * lost primary, restarts stopped instances (the recorded primary as
 * primary, every other one as its replica, so a returning former primary
 * rejoins as a replica), creates the first primary of a new cluster,
 * clones missing replicas (also those lost with their node) from the
 * primary onto other ready nodes, and removes surplus replicas (never the
 * primary). Returns the instances as probed afterwards.
 */
export async function ensureInstances(
  ctx: ReconcileContext,
  engine: EngineContext,
): Promise<InstancesOutcome> {
  const { runtime, key } = ctx;
  let instances = await runtime.listInstances(key);
  await adoptPrimary(ctx, engine, instances);
  const failover = await ensureFailover(ctx, engine, instances);
  if (failover) instances = await runtime.listInstances(key);
  instances = await startStopped(ctx, engine, instances);

  let observed: ObservedInstance[];
  if (instances.length === 0) {
    instances = await createInstances(ctx, engine, [], 1, undefined);
    await ctx.setPrimary(instances[0].name);
    observed = await awaitReady(ctx, engine, instances);
  } else {
    observed = await probeInstances(ctx, engine, instances);
  }
  const primary = primaryOf(observed, ctx.primaryInstance);
  const wanted = ctx.cluster.spec.replicas;
  if (primary && observed.length < wanted) {
    const created = await createInstances(
      ctx,
      engine,
      instances,
      wanted - observed.length,
      primary,
    );
    observed = [...observed, ...(await awaitReady(ctx, engine, created))];
  } else if (primary && observed.length > wanted) {
    // Only with a primary known: an instance that does not answer may be
    // the primary, and removing it would lose the cluster's data.
    observed = await removeSurplus(
      ctx,
      observed,
      primary,
      observed.length - wanted,
    );
  }
  return { observed, failover };
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

/** Waits for just-created instances to answer, all at once. */
function awaitReady(
  ctx: ReconcileContext,
  engine: EngineContext,
  created: RuntimeInstance[],
): Promise<ObservedInstance[]> {
  return Promise.all(created.map(i => waitUntilReady(ctx, engine, i)));
}

async function createInstances(
  ctx: ReconcileContext,
  engine: EngineContext,
  existing: RuntimeInstance[],
  count: number,
  primary: ObservedInstance | undefined,
): Promise<RuntimeInstance[]> {
  const name = ctx.cluster.metadata.name;
  const cluster = clusterRefOf(ctx.cluster);
  // Names of instances lost with their node stay taken: the node may come
  // back with them.
  const known = ctx.cluster.status?.instances.map(i => i.name) ?? [];
  const ordinals = freeOrdinals(
    name,
    [...existing.map(i => i.name), ...known],
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
  // Replicas clone in parallel, each streaming its own copy from the
  // primary; all settle before a failure is reported, so none is left
  // half-made behind the reconcile's back.
  const results = await Promise.allSettled(
    nodes.map(async (node, index) => {
      const instance = names[index];
      const role = primary ? 'replica' : 'primary';
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
      (await ctx.allocations()).push(
        ...volumeAllocations([
          { instance, node, cluster, storage: ctx.cluster.spec.storage },
        ]),
      );
      await ctx.recordEvent(
        'Normal',
        'InstanceCreated',
        `Created instance ${instance} on ${node} as ${role}`,
      );
      return created;
    }),
  );
  const failed = results.find(r => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map(r => (r as PromiseFulfilledResult<RuntimeInstance>).value);
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
  existing: RuntimeInstance[],
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
