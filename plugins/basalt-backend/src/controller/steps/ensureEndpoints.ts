import { ClusterEndpoints } from '@basalt/plugin-basalt-common';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { primaryOf } from './probeInstances';

/**
 * Points the read-write endpoint at the primary and the read-only endpoint
 * at the ready replicas (at the primary while there are none). The
 * recorded primary keeps the read-write endpoint while its process runs,
 * even when a probe was slow: only a failover takes it away.
 */
export async function ensureEndpoints(
  ctx: ReconcileContext,
  observed: ObservedInstance[],
): Promise<ClusterEndpoints> {
  const primary = ctx.primaryInstance
    ? observed.find(
        o =>
          o.instance.name === ctx.primaryInstance &&
          o.instance.running &&
          o.probe.role !== 'replica',
      )
    : primaryOf(observed);
  const replicas = observed
    .filter(o => o !== primary && o.probe.ready && o.probe.role === 'replica')
    .map(o => o.instance.address);
  return ctx.runtime.ensureEndpoints(ctx.key, {
    readWrite: primary?.instance.address,
    readOnly:
      replicas.length || !primary ? replicas : [primary.instance.address],
  });
}
