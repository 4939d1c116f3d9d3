import { FailoverRecord } from '@basalt/plugin-basalt-common';
import { EngineContext, RuntimeInstance } from '@basalt/plugin-basalt-node';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { ensureStillLeading } from '../errors';
import { bestCandidate, promoteAndRepoint } from './promotion';
import { probeInstances } from './probeInstances';

/** Why the primary counts as lost, and since when (ms since epoch). */
interface Loss {
  since: number;
  why: string;
}

/**
 * Whether the recorded primary is lost: gone with its node, its process
 * ended, or declared unresponsive by the monitor and still not answering
 * now. A primary that is merely slow keeps its role.
 */
async function lossOf(
  ctx: ReconcileContext,
  engine: EngineContext,
  primary: RuntimeInstance | undefined,
): Promise<Loss | undefined> {
  const name = ctx.primaryInstance!;
  const noticed = ctx.primaryLoss(name);
  if (!primary) {
    return {
      since: noticed?.since ?? Date.now(),
      why: `${name} is gone (its node or data is lost)`,
    };
  }
  if (!primary.running) {
    return {
      since: noticed?.since ?? Date.now(),
      why: noticed?.why ?? `${name} is not running`,
    };
  }
  if (!noticed) return undefined;
  // The monitor's verdict is confirmed before acting on it.
  const probe = await ctx.driver.probe(primary.address, engine, {
    timeoutMs: ctx.ha.probeTimeoutMs,
  });
  return probe.ready ? undefined : noticed;
}

/**
 * Whether an operation is creating the instance (a new cluster's first
 * primary) or restarting it in place (a rolling restart): it is down on
 * purpose while that runs. An operation that fails to bring it back ends,
 * and the pass its end queues fails over then.
 */
async function isBeingWorkedOn(
  ctx: ReconcileContext,
  instance: string,
): Promise<boolean> {
  const running = await ctx.operations.running();
  return running.some(
    o =>
      o.target === instance &&
      (o.kind === 'create-instance' || o.kind === 'restart'),
  );
}

/**
 * Automatic failover. When the recorded primary of a replicated cluster
 * with `spec.ha.failover: automatic` is lost and a replica answers:
 * take the read-write endpoint off it, fence it (kill its process, which
 * also ends a hung one; it is never started as a primary again), promote
 * the most advanced ready replica, move the endpoint and re-point the
 * other replicas. The former primary rejoins later as a replica
 * (ensureInstances). Returns the record of the failover when one happened.
 */
export async function ensureFailover(
  ctx: ReconcileContext,
  engine: EngineContext,
  instances: RuntimeInstance[],
): Promise<FailoverRecord | undefined> {
  const { cluster, primaryInstance } = ctx;
  if (
    !primaryInstance ||
    cluster.spec.replicas < 2 ||
    cluster.spec.ha.failover !== 'automatic'
  ) {
    return undefined;
  }
  const primary = instances.find(i => i.name === primaryInstance);
  const loss = await lossOf(ctx, engine, primary);
  if (!loss || (await isBeingWorkedOn(ctx, primaryInstance))) return undefined;

  const replicas = await probeInstances(
    ctx,
    engine,
    instances.filter(i => i.name !== primaryInstance && i.running),
  );
  const candidate = bestCandidate(ctx.driver, replicas);
  if (!candidate) {
    ctx.logger.warn(
      `Primary ${primaryInstance} is lost (${loss.why}) and no replica answers; waiting for one`,
    );
    return undefined;
  }
  return failOver(ctx, engine, { primary, loss, candidate, replicas });
}

async function failOver(
  ctx: ReconcileContext,
  engine: EngineContext,
  plan: {
    primary: RuntimeInstance | undefined;
    loss: Loss;
    candidate: ObservedInstance;
    replicas: ObservedInstance[];
  },
): Promise<FailoverRecord> {
  const { primary, loss, candidate, replicas } = plan;
  const from = ctx.primaryInstance!;
  const startedAt = Date.now();
  ensureStillLeading(ctx, `failing over from ${from}`);
  // No client may write to the old primary from here on.
  await ctx.runtime.ensureEndpoints(ctx.key, {
    readOnly: replicas.filter(o => o.probe.ready).map(o => o.instance.address),
  });
  if (primary) {
    await ctx.runtime.stopInstance(ctx.key, from, 'kill');
  }
  const fencedAt = Date.now();
  ensureStillLeading(ctx, `promoting ${candidate.instance.name}`);
  const { promotedAt, endpointMovedAt } = await promoteAndRepoint(
    ctx,
    engine,
    candidate,
    replicas.filter(o => o !== candidate),
  );
  const to = candidate.instance.name;
  const record: FailoverRecord = {
    kind: 'failover',
    timestamp: new Date(endpointMovedAt).toISOString(),
    from,
    to,
    durationMs: endpointMovedAt - loss.since,
    reason: loss.why,
  };
  const timings = [
    `detected ${startedAt - loss.since} ms after the loss`,
    `fenced ${from} in ${fencedAt - startedAt} ms`,
    `promoted ${to} in ${promotedAt - fencedAt} ms`,
    `moved the read-write endpoint in ${endpointMovedAt - promotedAt} ms`,
  ].join(', ');
  await ctx.recordEvent(
    'Warning',
    'Failover',
    `Failed over from ${from} to ${to} in ${record.durationMs} ms: ${loss.why}; ${timings}`,
  );
  ctx.logger.warn(`Failed over from ${from} to ${to}: ${timings}`);
  return record;
}
