import { ConfigurationStatus } from '@basalt/plugin-basalt-common';
import { EngineContext } from '@basalt/plugin-basalt-node';
import { isDeepStrictEqual } from 'node:util';
import { ObservedInstance, ReconcileContext } from '../ReconcileContext';
import { resolveResources } from '../../offerings/resolveResources';
import { instanceRequest } from './instanceRequest';

/** What stands for a change of `spec.resources` among changed parameters. */
export const RESOURCES = 'resources';

/**
 * Day-2 reconfiguration: when `spec.parameters` or `spec.resources`
 * differ from what the instances were last given, rewrites every
 * instance's configuration files and has each engine reload them, so
 * parameters defined as `reload` apply in place at once; when a changed
 * parameter is defined as `restart` (or the resources changed), requests
 * a rolling restart, which restarts the replicas one at a time and then
 * switches over, so writes pause only for the switchover. Waits for a
 * cluster whose instances all run and answer, so none is left with the
 * old files. A cluster without a recorded configuration (new, or from
 * before reconfiguration existed) has the configuration it was created
 * with, which is recorded as it is.
 */
export async function ensureConfigured(
  ctx: ReconcileContext,
  engine: EngineContext,
  observed: ObservedInstance[],
): Promise<ConfigurationStatus> {
  const { spec, metadata, status } = ctx.cluster;
  const wanted = {
    generation: metadata.generation,
    parameters: spec.parameters,
    resources: spec.resources,
  };
  const applied = status?.configuration;
  if (!applied) return { ...wanted, pendingRestart: [] };
  const changed = changedNames(applied, wanted);
  if (changed.length === 0) return applied;
  const healthy =
    observed.length === spec.replicas &&
    observed.every(o => o.instance.running && o.probe.ready);
  if (!healthy) return applied; // tried again once every instance answers

  for (const { instance } of observed) {
    await ctx.runtime.writeConfiguration(
      instanceRequest(ctx, engine, instance.name, instance.node),
    );
    await ctx.driver.reloadConfiguration(instance.address, engine);
  }
  const needsRestart = changed.filter(name => restarts(ctx, name));
  const reloaded = changed.filter(name => !needsRestart.includes(name));
  const primaryFirst =
    needsRestart.length > 0 &&
    ctx.driver.restartPrimaryFirst(
      appliedContext(ctx, engine, applied),
      engine,
    );
  if (needsRestart.length > 0) {
    await ctx.requestRestart(new Date().toISOString());
  }
  await ctx.recordEvent(
    'Normal',
    'Reconfigured',
    describeChange(applied, wanted, reloaded, needsRestart, primaryFirst),
  );
  ctx.logger.info(
    `Reconfigured: reloaded [${reloaded.join(
      ', ',
    )}], restart for [${needsRestart.join(', ')}]`,
  );
  return {
    ...wanted,
    pendingRestart: needsRestart,
    ...(primaryFirst && { restartPrimaryFirst: true }),
  };
}

/** What the engine was configured from before this change. */
function appliedContext(
  ctx: ReconcileContext,
  engine: EngineContext,
  applied: ConfigurationStatus,
): EngineContext {
  return {
    ...engine,
    spec: {
      ...engine.spec,
      parameters: applied.parameters,
      resources: applied.resources,
    },
    resources: resolveResources(applied.resources, ctx.resourceClasses),
  };
}

/** Changed parameter names, and {@link RESOURCES} when those changed. */
function changedNames(
  applied: Pick<ConfigurationStatus, 'parameters' | 'resources'>,
  wanted: Pick<ConfigurationStatus, 'parameters' | 'resources'>,
): string[] {
  const names = new Set([
    ...Object.keys(applied.parameters),
    ...Object.keys(wanted.parameters),
  ]);
  return [
    ...[...names]
      .filter(name => applied.parameters[name] !== wanted.parameters[name])
      .sort(),
    ...(isDeepStrictEqual(applied.resources, wanted.resources)
      ? []
      : [RESOURCES]),
  ];
}

/**
 * Whether a change takes a restart: resources always (they size the
 * engine's memory and the process's limits), a parameter when its
 * definition says so, or when it has none any more (to be safe).
 */
function restarts(ctx: ReconcileContext, name: string): boolean {
  if (name === RESOURCES) return true;
  const definition = ctx.parameterDefinitions.find(d => d.name === name);
  return definition?.apply !== 'reload';
}

function describeChange(
  applied: Pick<ConfigurationStatus, 'parameters' | 'resources'>,
  wanted: Pick<ConfigurationStatus, 'parameters' | 'resources'>,
  reloaded: string[],
  needsRestart: string[],
  primaryFirst: boolean,
): string {
  const change = (name: string) => {
    if (name === RESOURCES) {
      return `resources (${describeResources(
        applied.resources,
      )} → ${describeResources(wanted.resources)})`;
    }
    const before = applied.parameters[name] ?? 'default';
    const after = wanted.parameters[name] ?? 'default';
    return `${name} (${before} → ${after})`;
  };
  const parts = [
    reloaded.length > 0 &&
      `reloaded ${reloaded.map(change).join(', ')} in place`,
    needsRestart.length > 0 &&
      `${needsRestart.map(change).join(', ')} take a restart: ${
        primaryFirst
          ? 'rolling restart requested (the primary first, as its replicas cannot run with less than it has, then the replicas)'
          : 'rolling restart requested (replicas first, then a switchover)'
      }`,
  ];
  return `Applied the new configuration: ${parts.filter(Boolean).join('; ')}`;
}

function describeResources(resources: ConfigurationStatus['resources']) {
  if (resources.class) return `class ${resources.class}`;
  return [
    resources.cpu && `${resources.cpu} CPU`,
    resources.memory && `${resources.memory} memory`,
  ]
    .filter(Boolean)
    .join(', ');
}
