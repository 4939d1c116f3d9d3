import { LoggerService } from '@backstage/backend-plugin-api';
import { Config, ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { RegionProfile } from '@basalt/plugin-basalt-common';
import { EngineDriver, Runtime } from '@basalt/plugin-basalt-node';
import { BasaltConfig } from '../config';
import { readCertificatePolicy } from '../runtime/certificates';
import { LocalRuntime } from '../runtime/local';
import { localEngines } from '../runtime/local/LocalEngine';
import { KubernetesRuntime, NODE_POOL_ROOT } from '../runtime/kubernetes';
import { readKubernetesConfig } from '../runtime/kubernetes/readKubernetesConfig';

/**
 * Where a runtime's volume pools are: the nodes that hold them, and the
 * directory under which a pool configured without a `path` keeps its volumes
 * (`<rootDir>/pools/<pool>`).
 */
export interface PoolPlacement {
  rootDir: string;
  /** The nodes' names now; read on every reconcile, so cheap. */
  listNodes(): Promise<string[]>;
}

/** The runtimes Basalt has built in, as region profiles name them. */
const BUILT_IN = ['local', 'kubernetes'];

/**
 * The runtime clusters run on: one a module installed, or else the built-in
 * runtime the region profiles name (`local` unless they say `kubernetes`).
 * One backend drives one runtime, so profiles naming different ones are a
 * configuration error. Returned with where its volume pools are, a way to
 * stop it, and the local runtime separately for its health check.
 */
export async function createRuntime(options: {
  config: Config;
  settings: BasaltConfig;
  /** The region profiles, as `readOfferings` read them. */
  profiles: Pick<RegionProfile, 'name' | 'runtime'>[];
  moduleRuntimes: Runtime[];
  /** The installed engines, which the built-in runtimes run. */
  drivers: EngineDriver[];
  logger: LoggerService;
}): Promise<{
  runtime: Runtime;
  pools: PoolPlacement;
  localRuntime?: LocalRuntime;
  stop(): Promise<void>;
}> {
  const { config, settings, profiles, moduleRuntimes, drivers, logger } =
    options;
  if (moduleRuntimes.length) {
    return {
      runtime: moduleRuntimes[0],
      pools: configuredPools(settings),
      stop: async () => {},
    };
  }
  const name = builtInRuntimeOf(profiles);
  const certificates = readCertificatePolicy(
    config.getOptionalConfig('basalt.tls'),
  );
  if (name === 'kubernetes') {
    const runtime = await KubernetesRuntime.create({
      ...readKubernetesConfig(
        config.getOptionalConfig('basalt.runtimes.kubernetes') ??
          new ConfigReader({}),
        drivers,
      ),
      certificates,
      logger: logger.child({ runtime: 'kubernetes' }),
    });
    return {
      runtime,
      // Nodes can join: read from the runtime's cache of Nodes.
      pools: {
        rootDir: NODE_POOL_ROOT,
        listNodes: async () =>
          (await runtime.listNodes()).map(node => node.name),
      },
      stop: () => runtime.stop(),
    };
  }
  const localRuntime = await LocalRuntime.create({
    rootDir: settings.local.rootDir,
    nodes: settings.local.nodes,
    user: settings.local.user,
    engines: localEngines(drivers, settings.local.binDirs),
    portRange: settings.local.ports,
    volumes: { enforce: settings.local.enforceVolumes },
    certificates,
    logger: logger.child({ runtime: 'local' }),
  });
  return {
    runtime: localRuntime,
    pools: configuredPools(settings),
    localRuntime,
    stop: () => localRuntime.stop(),
  };
}

/** Pools on the configured nodes, which never change while the backend runs. */
function configuredPools(settings: BasaltConfig): PoolPlacement {
  return {
    rootDir: settings.local.rootDir,
    listNodes: async () => settings.local.nodes,
  };
}

/** The one built-in runtime `basalt.profiles.*.runtime` name (default local). */
function builtInRuntimeOf(
  profiles: Pick<RegionProfile, 'name' | 'runtime'>[],
): string {
  const byRuntime = new Map<string, string[]>();
  for (const { name: profile, runtime } of profiles) {
    if (!BUILT_IN.includes(runtime)) {
      throw new InputError(
        `basalt.profiles.${profile}.runtime: must be one of ${BUILT_IN.join(
          ', ',
        )}, got '${runtime}'`,
      );
    }
    byRuntime.set(runtime, [...(byRuntime.get(runtime) ?? []), profile]);
  }
  if (byRuntime.size > 1) {
    throw new InputError(
      `basalt.profiles: one backend drives one runtime, but ${[...byRuntime]
        .map(([runtime, names]) => `${names.join(', ')} use ${runtime}`)
        .join(' and ')}`,
    );
  }
  return [...byRuntime.keys()][0] ?? 'local';
}
