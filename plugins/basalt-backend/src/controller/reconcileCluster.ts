import {
  ClusterReasons,
  ClusterTlsStatus,
  ConfigurationStatus,
} from '@basalt/plugin-basalt-common';
import {
  ClusterCredentials,
  ClusterTls,
  EngineContext,
} from '@basalt/plugin-basalt-node';
import { Observation } from './computeStatus';
import { resolveResources } from '../offerings/resolveResources';
import { reasonOf } from './errors';
import { ReconcileContext } from './ReconcileContext';
import { ensureConfigured } from './steps/ensureConfigured';
import { ensureBindings } from './steps/ensureBindings';
import { ensureDatabases } from './steps/ensureDatabases';
import { ensureEndpoints } from './steps/ensureEndpoints';
import { ensureInstances } from './steps/ensureInstances';
import { ensureRestarted } from './steps/ensureRestarted';
import {
  ensureRestored,
  isPermanentRestoreError,
  restoring,
} from './steps/ensureRestored';
import { ensureReplicationMode } from './steps/ensureReplicationMode';
import { ensureServerCertificates } from './steps/ensureServerCertificates';
import { ensureSwitchover } from './steps/ensureSwitchover';
import { ensureVolumeProtection } from './steps/ensureVolumeProtection';
import { ensureVolumes } from './steps/ensureVolumes';
import { primaryOf, probeInstances } from './steps/probeInstances';

/** What one reconcile decided. */
export interface ReconcileOutcome {
  observation: Observation;
  /** The cluster is at its declared state; nothing to come back for. */
  settled: boolean;
  /** What the engine's driver works with, once credentials are known. */
  engine?: EngineContext;
}

/**
 * One pass over one cluster, in the order the design names: credentials →
 * instances → volumes → configuration → (rolling restart) → restore →
 * endpoints → databases and accounts → bindings → replication mode →
 * volume protection → switchover. Every step
 * is idempotent; a failure stops the pass and is reported as a condition.
 */
export async function reconcileCluster(
  ctx: ReconcileContext,
): Promise<ReconcileOutcome> {
  let engine: EngineContext | undefined;
  const observation: Observation = {
    observed: [],
    endpoints: ctx.cluster.status?.endpoints ?? {},
  };
  try {
    const { credentials, reference } = await ensureCredentials(ctx);
    observation.credentials = reference;
    observation.tls = tlsStatusOf(ctx, credentials.tls);
    engine = engineContextOf(ctx, credentials);
    observation.resources = await ctx.runtime.resourceEnforcement();

    const {
      observed: instances,
      failover,
      creating,
    } = await ensureInstances(ctx, engine);
    observation.observed = instances;
    observation.operations = creating;
    observation.lastFailover = failover;
    await ensureVolumes(
      ctx,
      engine,
      instances.map(o => o.instance),
    );
    const configuration = await ensureConfigured(ctx, engine, instances);
    const restart = await ensureRestarted(ctx, engine, instances);
    observation.observed = restart.switchover
      ? await probeInstances(
          ctx,
          engine,
          await ctx.runtime.listInstances(ctx.key),
        )
      : restart.observed;
    observation.restart = restart.progress;
    observation.lastFailover = restart.switchover ?? observation.lastFailover;
    // What waited for a restart has it once the rolling restart is done.
    observation.configuration = restart.progress
      ? configuration
      : withoutPendingRestart(configuration);
    const restore = await ensureRestored(ctx, engine, observation.observed);
    observation.restore = restore.condition;
    observation.operations = [
      ...creating,
      ...restart.restarting,
      ...restore.loading,
    ];
    observation.endpoints = await ensureEndpoints(ctx, observation.observed);
    // Not before the restore: a logical one brings the databases itself.
    if (!ctx.restore) await ensureDatabases(ctx, engine, observation.observed);
    await ensureBindings(ctx, engine, observation.endpoints);
    await ensureReplicationMode(ctx, engine, observation.observed);
    observation.volumes = await ensureVolumeProtection(
      ctx,
      engine,
      observation.observed,
    );
    await ensureServerCertificates(ctx, engine, observation.observed);
    // Last: it changes the primary, which the steps above worked with.
    const switchover = await ensureSwitchover(
      ctx,
      engine,
      observation.observed,
    );
    if (switchover) {
      observation.lastFailover = switchover;
      observation.observed = await probeInstances(
        ctx,
        engine,
        await ctx.runtime.listInstances(ctx.key),
      );
    }
  } catch (error) {
    observation.failure = {
      reason: reasonOf(error),
      message: (error as Error).message,
    };
    if (ctx.restore) {
      observation.restore = await restoreFailure(ctx, error);
    }
  }
  const { observed } = observation;
  const settled =
    !observation.failure &&
    !ctx.restore &&
    !observation.restart &&
    !ctx.switchover &&
    !!primaryOf(observed, ctx.primaryInstance) &&
    observed.length === ctx.cluster.spec.replicas &&
    observed.every(o => o.probe.ready);
  return { observation, settled, engine };
}

/** The cluster's credentials, made once and read afterwards. */
export function ensureCredentials(ctx: ReconcileContext) {
  const accounts = ctx.cluster.spec.accounts.map(account => account.name);
  return ctx.runtime.ensureCredentials(ctx.key, accounts);
}

/** What the engine's driver works with for this cluster. */
export function engineContextOf(
  ctx: ReconcileContext,
  credentials: ClusterCredentials,
): EngineContext {
  return {
    spec: ctx.cluster.spec,
    credentials,
    network: ctx.network,
    resources: resolveResources(
      ctx.cluster.spec.resources,
      ctx.resourceClasses,
    ),
  };
}

/** The configuration once no restart waits for it any more. */
function withoutPendingRestart(
  configuration: ConfigurationStatus,
): ConfigurationStatus {
  const { restartPrimaryFirst: _, ...rest } = configuration;
  return { ...rest, pendingRestart: [] };
}

/** What clients need to connect with TLS; the CA is public. */
function tlsStatusOf(
  ctx: ReconcileContext,
  tls: ClusterTls | undefined,
): ClusterTlsStatus | undefined {
  // An engine that serves no TLS has none to offer its clients.
  if (!tls || !ctx.driver.capabilities.tls) return undefined;
  const { namespace, name } = ctx.key;
  return {
    required: ctx.network.tls === 'required',
    sslmode: 'verify-full',
    caCertificateUrl: `/api/basalt/clusters/${encodeURIComponent(
      namespace,
    )}/${encodeURIComponent(name)}/ca.crt`,
    caCertificate: tls.caCertificate,
  };
}

/**
 * The Restored condition after a failed pass of a cluster still being
 * restored: given up for good when retrying cannot help (it is then never
 * retried, so no empty cluster is made in its place), else restoring.
 */
async function restoreFailure(
  ctx: ReconcileContext,
  error: unknown,
): Promise<Observation['restore']> {
  const restore = ctx.restore!;
  if (!isPermanentRestoreError(error)) return restoring(restore.description);
  const message = `Could not restore ${restore.description}: ${
    (error as Error).message
  }`;
  await restore.markFailed(message);
  await ctx.recordEvent('Warning', ClusterReasons.RestoreFailed, message);
  return { restored: false, reason: ClusterReasons.RestoreFailed, message };
}
