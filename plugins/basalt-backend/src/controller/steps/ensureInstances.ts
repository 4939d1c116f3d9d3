import { ClusterReasons } from '@basalt/plugin-basalt-common';
import {
  EngineContext,
  EngineUnavailableError,
  RuntimeInstance,
} from '@basalt/plugin-basalt-node';
import { ClusterReconcileError, rootCauseMessage } from '../errors';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { instanceRequest } from './instanceRequest';
import { freeOrdinals, instanceName, ordinalOf } from './naming';
import { placeInstances } from './placeInstances';
import { primaryOf, probeInstances, waitUntilReady } from './probeInstances';

/**
 * Brings the cluster's instances to `spec.replicas`: restarts stopped ones,
 * creates the first primary of a new cluster, clones missing replicas from
 * the primary on other nodes, and removes surplus replicas (highest ordinals
 * first, never the primary). Returns the instances as probed afterwards.
 */
export async function ensureInstances(
  ctx: ReconcileContext,
  engine: EngineContext,
): Promise<ObservedInstance[]> {
  const { runtime, key } = ctx;
  let instances = await runtime.listInstances(key);

  // Existing instances keep their data: ensureInstance adopts or restarts.
  instances = await Promise.all(
    instances.map(instance =>
      instance.running
        ? instance
        : runtime.ensureInstance(
            instanceRequest(ctx, engine, instance.name, instance.node),
          ),
    ),
  );
  let observed: ObservedInstance[];
  if (instances.length === 0) {
    instances = await createInstances(ctx, engine, [], 1, undefined);
    observed = await awaitReady(ctx, engine, instances);
  } else {
    observed = await probeInstances(ctx, engine, instances);
  }
  const primary = primaryOf(observed);
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
  return observed;
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
  const nodes = placeInstances({
    count,
    nodes: await ctx.runtime.listNodes(),
    occupied: existing.map(instance => instance.node),
    load: ctx.nodeLoad,
  });
  const ordinals = freeOrdinals(
    name,
    existing.map(i => i.name),
    count,
  );
  // Replicas clone in parallel, each streaming its own copy from the
  // primary; all settle before a failure is reported, so none is left
  // half-made behind the reconcile's back.
  const results = await Promise.allSettled(
    nodes.map(async (node, index) => {
      const instance = instanceName(name, ordinals[index]);
      const role = primary ? 'replica' : 'primary';
      let created: RuntimeInstance;
      try {
        created = await ctx.runtime.ensureInstance(
          instanceRequest(ctx, engine, instance, node, primary),
        );
      } catch (error) {
        // Missing programs are the engine's problem, not this instance's.
        if (error instanceof EngineUnavailableError) throw error;
        throw new ClusterReconcileError(
          ClusterReasons.InstanceFailed,
          `Could not create instance ${instance} on ${node} as ${role}: ${rootCauseMessage(
            error,
          )}`,
        );
      }
      ctx.nodeLoad.set(node, (ctx.nodeLoad.get(node) ?? 0) + 1);
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

async function removeSurplus(
  ctx: ReconcileContext,
  observed: ObservedInstance[],
  primary: ObservedInstance,
  count: number,
): Promise<ObservedInstance[]> {
  const name = ctx.cluster.metadata.name;
  const surplus = observed
    .filter(o => o !== primary && o.probe.role !== 'primary')
    .sort(
      (a, b) =>
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
