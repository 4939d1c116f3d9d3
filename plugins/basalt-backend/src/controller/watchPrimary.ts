import { EngineContext, Runtime } from '@basalt/plugin-basalt-node';
import { Observation } from './computeStatus';
import { PrimaryMonitor } from './PrimaryMonitor';
import { probeSessionOf } from './probeSessionOf';
import { ReconcileContext } from './ReconcileContext';

/**
 * After a pass: has the monitor probe the primary of a replicated cluster
 * with automatic failover between reconciles, and forgets losses once the
 * recorded primary answers again. Other clusters are not watched.
 */
export function watchPrimary(
  monitor: PrimaryMonitor,
  runtime: Runtime,
  pass: {
    ctx: ReconcileContext;
    observation: Observation;
    engine: EngineContext | undefined;
  },
): void {
  const { ctx, observation, engine } = pass;
  const { uid } = ctx.cluster.metadata;
  const primary = observation.observed.find(
    o => o.instance.name === ctx.primaryInstance,
  );
  const { replicas, ha } = ctx.cluster.spec;
  if (replicas < 2 || ha.failover !== 'automatic') {
    monitor.unwatch(uid);
    return;
  }
  // A primary that is gone stays watched: its loss is what matters.
  if (!primary || !engine) return;
  if (primary.probe.ready && primary.probe.role === 'primary') {
    monitor.forgetLosses(uid);
  }
  const { address, name: instance } = primary.instance;
  monitor.watch(uid, {
    instance,
    address: `${address.host}:${address.port}`,
    openSession: timeoutMs =>
      probeSessionOf(
        ctx.driver,
        address,
        engine,
        timeoutMs,
        runtime.stalledProcess &&
          (() => runtime.stalledProcess!(ctx.key, instance)),
      ),
  });
}
