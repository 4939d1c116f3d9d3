import { LoggerService } from '@backstage/backend-plugin-api';
import { Runtime } from '@basalt/plugin-basalt-node';
import { BasaltConfig } from '../config';
import { LocalRuntime } from '../runtime/local';

/**
 * The runtime clusters run on: one a module installed, or else the built-in
 * local runtime (returned separately too, for its health check and stop).
 */
export async function createRuntime(options: {
  settings: BasaltConfig;
  moduleRuntimes: Runtime[];
  logger: LoggerService;
}): Promise<{ runtime: Runtime; localRuntime?: LocalRuntime }> {
  const { settings, moduleRuntimes, logger } = options;
  if (moduleRuntimes.length) {
    return { runtime: moduleRuntimes[0] };
  }
  const localRuntime = await LocalRuntime.create({
    rootDir: settings.local.rootDir,
    nodes: settings.local.nodes,
    user: settings.local.user,
    binDirs: { postgresql: settings.local.postgresqlBinDir },
    portRange: settings.local.ports,
    volumes: { enforce: settings.local.enforceVolumes },
    logger: logger.child({ runtime: 'local' }),
  });
  return { runtime: localRuntime, localRuntime };
}
