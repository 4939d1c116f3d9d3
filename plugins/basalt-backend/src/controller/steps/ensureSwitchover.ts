import { ClusterReasons, FailoverRecord } from '@basalt/plugin-basalt-common';
import { EngineContext, ReplicationPosition } from '@basalt/plugin-basalt-node';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { ClusterReconcileError, ensureStillLeading } from '../errors';
import { bestCandidate, hasReached, promoteAndRepoint } from './promotion';
import { primaryOf } from './probeInstances';

const CATCH_UP_TIMEOUT_MS = 10_000;
const FINAL_PROBE_TIMEOUT_MS = 5_000;
const CATCH_UP_POLL_MS = 10;

/**
 * A planned switchover, without losing a write: take the read-write
 * endpoint off the primary (new connections wait for the new one), note
 * how far its history goes, shut it down cleanly (PostgreSQL sends all its
 * WAL to the replicas first), wait until the target has received all of
 * it, promote the target and move the endpoint. The former primary
 * rejoins as a replica in the next pass. Runs only on a healthy cluster;
 * a request naming an instance that is not a ready replica is given up
 * with a Warning event.
 */
export async function ensureSwitchover(
  ctx: ReconcileContext,
  engine: EngineContext,
  observed: ObservedInstance[],
): Promise<FailoverRecord | undefined> {
  const request = ctx.switchover;
  if (!request) return undefined;
  const primary = primaryOf(observed, ctx.primaryInstance);
  const replicas = observed.filter(o => o !== primary);
  if (!primary || !replicas.every(o => o.probe.ready)) {
    return undefined; // waits for a healthy cluster
  }
  const target = request.target
    ? replicas.find(o => o.instance.name === request.target)
    : bestCandidate(ctx.driver, replicas);
  if (!target) {
    await ctx.finishSwitchover();
    await ctx.recordEvent(
      'Warning',
      'SwitchoverRefused',
      `Cannot switch over to ${
        request.target ?? 'a replica'
      }: the replicas are ${
        replicas.map(o => o.instance.name).join(', ') || 'none'
      }`,
    );
    return undefined;
  }
  const record = await switchOver(ctx, engine, {
    primary,
    target,
    replicas,
    reason: request.target
      ? `Requested, to ${request.target}`
      : 'Requested, to the most advanced replica',
  });
  await ctx.finishSwitchover();
  return record;
}

/**
 * Switches the primary over to `target` without losing a write (see
 * {@link ensureSwitchover}) and records it as an event; the former primary
 * is left stopped, to rejoin as a replica in the next pass.
 */
export async function switchOver(
  ctx: ReconcileContext,
  engine: EngineContext,
  {
    primary,
    target,
    replicas,
    reason,
  }: {
    primary: ObservedInstance;
    target: ObservedInstance;
    replicas: ObservedInstance[];
    reason: string;
  },
): Promise<FailoverRecord> {
  const startedAt = Date.now();
  ensureStillLeading(ctx, `switching over from ${primary.instance.name}`);
  await ctx.runtime.ensureEndpoints(ctx.key, {
    readOnly: replicas.map(o => o.instance.address),
  });
  // How far the primary's history goes, now that no client reaches it: the
  // target must have all of it before it is promoted. Without an answer
  // (a slow probe on a busy host) nothing is stopped: the next pass tries
  // again, as promoting without it could lose acknowledged writes.
  const final = await ctx.driver.probe(primary.instance.address, engine, {
    timeoutMs: FINAL_PROBE_TIMEOUT_MS,
  });
  if (final.position === undefined) {
    throw new ClusterReconcileError(
      ClusterReasons.InstanceFailed,
      `Switchover from ${primary.instance.name} postponed: it did not say how far its history goes`,
    );
  }
  await ctx.runtime.stopInstance(ctx.key, primary.instance.name, 'clean');
  const stoppedAt = Date.now();
  await waitUntilReceived(ctx, engine, target, final.position);
  ensureStillLeading(ctx, `promoting ${target.instance.name}`);
  const { promotedAt, endpointMovedAt } = await promoteAndRepoint(
    ctx,
    engine,
    target,
    replicas.filter(o => o !== target),
  );
  const from = primary.instance.name;
  const to = target.instance.name;
  const durationMs = endpointMovedAt - startedAt;
  await ctx.recordEvent(
    'Normal',
    'Switchover',
    `Switched over from ${from} to ${to} in ${durationMs} ms (${reason}): stopped ${from} cleanly in ${
      stoppedAt - startedAt
    } ms, promoted ${to} in ${
      promotedAt - stoppedAt
    } ms, moved the read-write endpoint in ${endpointMovedAt - promotedAt} ms`,
  );
  return {
    kind: 'switchover',
    timestamp: new Date(endpointMovedAt).toISOString(),
    from,
    to,
    durationMs,
    reason,
  };
}

/** Waits until the target has received the former primary's history. */
async function waitUntilReceived(
  ctx: ReconcileContext,
  engine: EngineContext,
  target: ObservedInstance,
  position: ReplicationPosition,
): Promise<void> {
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
  for (;;) {
    const probe = await ctx.driver.probe(target.instance.address, engine);
    if (hasReached(ctx.driver, probe.position, position)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${target.instance.name} did not receive the former primary's last writes within ${CATCH_UP_TIMEOUT_MS} ms; not promoting it`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, CATCH_UP_POLL_MS));
  }
}
