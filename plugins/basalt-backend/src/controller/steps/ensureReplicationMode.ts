import { EngineContext } from '@basalt/plugin-basalt-node';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { primaryOf } from './probeInstances';

/**
 * Applies `spec.ha.replication` on the primary: synchronous while at least
 * one replica answers (a new cluster's first primary has none to wait
 * for), asynchronous otherwise. Runs on every pass, so a new primary after
 * a failover or switchover gets the mode within the same pass.
 */
export async function ensureReplicationMode(
  ctx: ReconcileContext,
  engine: EngineContext,
  observed: ObservedInstance[],
): Promise<void> {
  const primary = primaryOf(observed, ctx.primaryInstance);
  if (!primary) return;
  const replicaAnswers = observed.some(
    o => o !== primary && o.probe.ready && o.probe.role === 'replica',
  );
  const synchronous =
    ctx.cluster.spec.ha.replication === 'sync' && replicaAnswers;
  if (
    await ctx.driver.ensureSynchronousReplication(
      primary.instance.address,
      engine,
      synchronous,
    )
  ) {
    await ctx.recordEvent(
      'Normal',
      'ReplicationModeChanged',
      synchronous
        ? `${primary.instance.name} acknowledges a commit once a replica has it too`
        : `${primary.instance.name} acknowledges commits without waiting for a replica`,
    );
  }
}
