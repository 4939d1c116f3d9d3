import {
  EngineContext,
  EngineDriver,
  ReplicationPosition,
  replicationSourceOf,
} from '@basalt/plugin-basalt-node';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';

/** Milliseconds since `since`. */
export function elapsed(since: number): number {
  return Date.now() - since;
}

/**
 * Whether an instance's history reaches `position`, as its driver orders
 * positions; an instance that did not say how far it goes does not.
 */
export function hasReached(
  driver: EngineDriver,
  position: ReplicationPosition | undefined,
  target: ReplicationPosition,
): boolean {
  return (
    position !== undefined && driver.comparePositions(position, target) >= 0
  );
}

/**
 * The replica to promote: the ready one with the most history (the most
 * advanced position), so nothing a replica received is lost; one without
 * a position comes last; ties by name, so the choice is deterministic.
 */
export function bestCandidate(
  driver: EngineDriver,
  replicas: ObservedInstance[],
): ObservedInstance | undefined {
  const byHistory = (a?: ReplicationPosition, b?: ReplicationPosition) => {
    if (a === undefined || b === undefined) {
      return Number(a === undefined) - Number(b === undefined);
    }
    return driver.comparePositions(b, a);
  };
  return replicas
    .filter(o => o.probe.ready)
    .sort(
      (a, b) =>
        byHistory(a.probe.position, b.probe.position) ||
        a.instance.name.localeCompare(b.instance.name),
    )[0];
}

/**
 * Promotes `candidate` (unless it already leads: a promotion the backend
 * did not get to record), records it as the primary, moves the read-write
 * endpoint to it, and re-points the other running replicas. Returns when
 * each part finished, for the event.
 */
export async function promoteAndRepoint(
  ctx: ReconcileContext,
  engine: EngineContext,
  candidate: ObservedInstance,
  others: ObservedInstance[],
): Promise<{ promotedAt: number; endpointMovedAt: number }> {
  if (candidate.probe.role !== 'primary') {
    await ctx.driver.promote(candidate.instance.address, engine);
  }
  const promotedAt = Date.now();
  await ctx.setPrimary(candidate.instance.name);
  const replicas = others.filter(o => o.instance.running && o.probe.ready);
  await ctx.runtime.ensureEndpoints(ctx.key, {
    readWrite: candidate.instance.address,
    readOnly: replicas.length
      ? replicas.map(o => o.instance.address)
      : [candidate.instance.address],
  });
  const endpointMovedAt = Date.now();
  // After the endpoint: clients write again while replicas catch up.
  await Promise.all(
    replicas.map(o =>
      ctx.driver
        .follow(
          { name: o.instance.name, address: o.instance.address },
          replicationSourceOf(candidate.instance).peerAddress,
          engine,
        )
        .catch(error =>
          ctx.logger.warn(
            `Could not re-point ${o.instance.name} at ${candidate.instance.name}; the next reconcile retries`,
            error,
          ),
        ),
    ),
  );
  return { promotedAt, endpointMovedAt };
}
