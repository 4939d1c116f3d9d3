import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { basaltEnginesExtensionPoint } from '@basalt/plugin-basalt-node';
import { RedisDriver } from './RedisDriver';

/**
 * Installs the Redis engine into Basalt, through
 * `basaltEnginesExtensionPoint` as any engine module does: without it (or
 * another module for `redis`), manifests naming Redis are refused
 * at admission. Its programs are those in
 * `basalt.runtimes.local.redis.binDir`.
 *
 * @public
 */
export const basaltModuleEngineRedis = createBackendModule({
  pluginId: 'basalt',
  moduleId: 'engine-redis',
  register(env) {
    env.registerInit({
      deps: {
        engines: basaltEnginesExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ engines, config }) {
        const binDir = config.getOptionalString(
          'basalt.runtimes.local.redis.binDir',
        );
        engines.addEngineDrivers(new RedisDriver({ binDir }));
      },
    });
  },
});
