import { clusterRefOf } from '@basalt/plugin-basalt-common';
import { EngineContext, RuntimeInstance } from '@basalt/plugin-basalt-node';
import { VolumeAllocation } from '../../pools';
import { StoredOperation } from '../../store';
import type { OperationControl } from '../operations/OperationRunner';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { volumeAllocations } from '../volumeAllocations';
import { instanceFailure } from './instanceFailure';
import { instanceRequest } from './instanceRequest';
import { freeOrdinals, instanceName } from './naming';
import { placeInstances } from './placeInstances';
import { waitUntilReady } from './probeInstances';

/**
 * Removes what creations interrupted by a backend that stopped left (a
 * half-cloned replica, a first primary that never answered), so the
 * instance is created afresh: never adopted half-made, never left behind.
 */
export async function undoInterrupted(ctx: ReconcileContext): Promise<void> {
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

/**
 * Stops the newest `count` creations, which a newer spec no longer needs
 * (fewer replicas): the runtime stops the clone and removes what was made,
 * and the cluster is looked at again once each has ended.
 */
export async function cancelPointless(
  ctx: ReconcileContext,
  creating: StoredOperation[],
  count: number,
): Promise<void> {
  const newest = [...creating].reverse().slice(0, count);
  for (const operation of newest) {
    if (!ctx.operations.cancel(operation)) continue;
    await ctx.recordEvent(
      'Normal',
      'CreationCancelled',
      `Stopped creating instance ${operation.target} on ${operation.node}: the spec now asks for ${ctx.cluster.spec.replicas} instances`,
    );
  }
}

/** An instance being created, as far as naming and placement go. */
export function asPlanned(operation: StoredOperation): Planned {
  return { name: operation.target!, node: operation.node! };
}

/** An instance by name and node: existing, or being created. */
export interface Planned {
  name: string;
  node: string;
}

/**
 * Places `count` new instances and starts creating each one as an
 * operation: the first primary of a new cluster (from `spec.restore`'s
 * backup when it has one), or replicas cloned from `primary`.
 */
export async function startCreating(
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
    created = await ctx.runtime.ensureInstance({
      ...instanceRequest(ctx, engine, instance, node, primary),
      signal: control.signal,
      background: true,
    });
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
  await waitUntilReady(ctx, engine, created, control.signal);
  await ctx.recordEvent(
    'Normal',
    'InstanceCreated',
    `Created instance ${instance} on ${node} as ${role}`,
  );
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
