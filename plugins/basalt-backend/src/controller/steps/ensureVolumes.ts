import { EngineContext, RuntimeInstance } from '@basalt/plugin-basalt-node';
import { ReconcileContext } from '../ReconcileContext';
import { instanceRequest } from './instanceRequest';

/**
 * Applies a changed `spec.storage` to running instances: the runtime grows
 * each volume online to the new size and sets its new throughput limit
 * (the API has checked that the pools have room). Only when the spec
 * changed since the status was last written, as it is not free: the
 * runtime inspects the volume and rewrites its limits each time.
 */
export async function ensureVolumes(
  ctx: ReconcileContext,
  engine: EngineContext,
  instances: RuntimeInstance[],
): Promise<void> {
  const { status, metadata } = ctx.cluster;
  if (status?.observedGeneration === metadata.generation) return;
  for (const instance of instances.filter(i => i.running)) {
    await ctx.runtime.ensureInstance(
      instanceRequest(ctx, engine, instance.name, instance.node),
    );
  }
}
