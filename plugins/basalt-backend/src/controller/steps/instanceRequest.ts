import {
  EngineContext,
  InstanceRequest,
  replicationSourceOf,
  VolumeRequest,
} from '@basalt/plugin-basalt-node';
import { volumeLimitsOf } from '../../pools';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';

/**
 * What the runtime needs to ensure one instance: with a `source`, an
 * instance whose data is missing is cloned from it as a replica; without
 * one it is created as a new primary, from the backup of `spec.restore`
 * when the cluster restores a physical one. Its volume is the cluster's
 * `spec.storage` in the node's pool, so a larger size grows it; its CPU and
 * memory are the cluster's resolved `spec.resources`.
 */
export function instanceRequest(
  ctx: ReconcileContext,
  engine: EngineContext,
  name: string,
  node: string,
  source?: ObservedInstance,
): InstanceRequest {
  const volume = volumeRequest(ctx, node);
  return {
    cluster: ctx.key,
    name,
    node,
    bootstrap: source
      ? { from: 'replica-of', source: replicationSourceOf(source.instance) }
      : ctx.restore?.primaryBootstrap(engine) ?? { from: 'scratch' },
    driver: ctx.driver,
    context: engine,
    ...(volume && { volume }),
    ...(engine.resources && { resources: engine.resources }),
  };
}

/** The instance's volume on `node`, when the node has the cluster's pool. */
function volumeRequest(
  ctx: ReconcileContext,
  node: string,
): VolumeRequest | undefined {
  const { storage } = ctx.cluster.spec;
  const pool = ctx.pools.find(p => p.node === node && p.pool === storage.pool);
  if (!pool) return undefined;
  return {
    pool: pool.pool,
    poolPath: pool.path,
    ...volumeLimitsOf(storage),
  };
}
