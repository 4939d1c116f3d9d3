import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { basaltEnginesExtensionPoint } from '@basalt/plugin-basalt-node';
import { PostgresDriver } from './PostgresDriver';

/**
 * Installs the PostgreSQL engine into Basalt, through
 * `basaltEnginesExtensionPoint` as any engine module does: without it (or
 * another module for `postgresql`), manifests naming PostgreSQL are refused
 * at admission. Its programs are those in
 * `basalt.runtimes.local.postgresql.binDir`.
 *
 * @public
 */
export const basaltModuleEnginePostgresql = createBackendModule({
  pluginId: 'basalt',
  moduleId: 'engine-postgresql',
  register(env) {
    env.registerInit({
      deps: {
        engines: basaltEnginesExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ engines, config }) {
        const binDir = config.getOptionalString(
          'basalt.runtimes.local.postgresql.binDir',
        );
        engines.addEngineDrivers(new PostgresDriver({ binDir }));
      },
    });
  },
});
