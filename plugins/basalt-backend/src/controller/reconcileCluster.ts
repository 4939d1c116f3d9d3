import { EngineContext } from '@basalt/plugin-basalt-node';
import { Observation } from './computeStatus';
import { reasonOf } from './errors';
import { ReconcileContext } from './ReconcileContext';
import { ensureDatabases } from './steps/ensureDatabases';
import { ensureEndpoints } from './steps/ensureEndpoints';
import { ensureInstances } from './steps/ensureInstances';
import { ensureRestarted } from './steps/ensureRestarted';
import { primaryOf } from './steps/probeInstances';

/** What one reconcile decided. */
export interface ReconcileOutcome {
  observation: Observation;
  /** The cluster is at its declared state; nothing to come back for. */
  settled: boolean;
}

/**
 * One pass over one cluster, in the order the design names: credentials →
 * instances → (rolling restart) → endpoints → databases and accounts. Every step
 * is idempotent; a failure stops the pass and is reported as a condition.
 */
export async function reconcileCluster(
  ctx: ReconcileContext,
): Promise<ReconcileOutcome> {
  const observation: Observation = {
    observed: [],
    endpoints: ctx.cluster.status?.endpoints ?? {},
  };
  try {
    const accounts = ctx.cluster.spec.accounts.map(account => account.name);
    const { credentials, reference } = await ctx.runtime.ensureCredentials(
      ctx.key,
      accounts,
    );
    observation.credentials = reference;
    const engine: EngineContext = { spec: ctx.cluster.spec, credentials };

    const instances = await ensureInstances(ctx, engine);
    observation.observed = instances;
    const restart = await ensureRestarted(ctx, engine, instances);
    observation.observed = restart.observed;
    observation.restart = restart.progress;
    observation.endpoints = await ensureEndpoints(ctx, observation.observed);
    await ensureDatabases(ctx, engine, observation.observed);
  } catch (error) {
    observation.failure = {
      reason: reasonOf(error),
      message: (error as Error).message,
    };
  }
  const { observed } = observation;
  const settled =
    !observation.failure &&
    !observation.restart &&
    !!primaryOf(observed) &&
    observed.length === ctx.cluster.spec.replicas &&
    observed.every(o => o.probe.ready);
  return { observation, settled };
}
