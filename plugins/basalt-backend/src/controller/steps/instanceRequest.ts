import { EngineContext, InstanceRequest } from '@basalt/plugin-basalt-node';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';

/**
 * What the runtime needs to ensure one instance: with a `source`, an
 * instance whose data is missing is cloned from it as a replica; without
 * one it is created as a new primary, from the backup of `spec.restore`
 * when the cluster restores a physical one.
 */
export function instanceRequest(
  ctx: ReconcileContext,
  engine: EngineContext,
  name: string,
  node: string,
  source?: ObservedInstance,
): InstanceRequest {
  return {
    cluster: ctx.key,
    name,
    node,
    bootstrap: source
      ? { from: 'replica-of', source: source.instance.address }
      : ctx.restore?.primaryBootstrap(engine) ?? { from: 'scratch' },
    driver: ctx.driver,
    context: engine,
  };
}
