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
        : { ready: false, role: 'unknown' as const, message: 'not running' },
    })),
  );
}

/**
 * The instance that answers as primary. With `recorded` (the instance the
 * controller made primary) only that one counts: another that claims to be
 * primary is a former one that must not take writes.
 */
export function primaryOf(
  observed: ObservedInstance[],
  recorded?: string,
): ObservedInstance | undefined {
  return observed.find(
    o =>
      o.probe.ready &&
      o.probe.role === 'primary' &&
      (!recorded || o.instance.name === recorded),
  );
}

const READY_POLL_MS = 20;
const READY_TIMEOUT_MS = 10_000;

/**
 * Probes a just-started instance until it answers (a server accepts
 * connections a moment before it accepts queries), so the reconcile that
 * created it can go on at once instead of coming back later. Resolves with
 * the last probe when the instance is still not ready at the deadline or
 * when `signal` fires.
 */
export async function waitUntilReady(
  ctx: ReconcileContext,
  engine: EngineContext,
  instance: RuntimeInstance,
  signal?: AbortSignal,
): Promise<ObservedInstance> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const probe = await ctx.driver.probe(instance.address, engine);
    if (probe.ready || Date.now() > deadline || signal?.aborted) {
      return { instance, probe };
    }
    await new Promise(resolve => setTimeout(resolve, READY_POLL_MS));
  }
}
