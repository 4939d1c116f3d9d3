import { ClusterEndpoints } from '@basalt/plugin-basalt-common';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { primaryOf } from './probeInstances';

/**
 * Points the read-write endpoint at the primary and the read-only endpoint
 * at the ready replicas (at the primary while there are none).
 */
export async function ensureEndpoints(
  ctx: ReconcileContext,
  observed: ObservedInstance[],
): Promise<ClusterEndpoints> {
  const primary = primaryOf(observed);
  const replicas = observed
    .filter(o => o.probe.ready && o.probe.role === 'replica')
    .map(o => o.instance.address);
  return ctx.runtime.ensureEndpoints(ctx.key, {
    readWrite: primary?.instance.address,
    readOnly:
      replicas.length || !primary ? replicas : [primary.instance.address],
  });
}
