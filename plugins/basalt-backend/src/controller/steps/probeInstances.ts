import { EngineContext, RuntimeInstance } from '@basalt/plugin-basalt-node';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';

/** Probes every instance in parallel; a stopped one is not ready. */
export async function probeInstances(
  ctx: ReconcileContext,
  engine: EngineContext,
  instances: RuntimeInstance[],
): Promise<ObservedInstance[]> {
  return Promise.all(
    instances.map(async instance => ({
      instance,
      probe: instance.running
        ? await ctx.driver.probe(instance.address, engine)
        : { ready: false, role: 'unknown' as const },
    })),
  );
}

/** The instance that answers as primary, if one does. */
export function primaryOf(
  observed: ObservedInstance[],
): ObservedInstance | undefined {
  return observed.find(o => o.probe.ready && o.probe.role === 'primary');
}
