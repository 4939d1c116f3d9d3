import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { basaltHealthChecksExtensionPoint } from '@basalt/plugin-basalt-node';
import { readBasaltConfig } from './config';
import { createDatabaseHealthCheck } from './health/databaseHealthCheck';
import { HealthChecks } from './health/HealthChecks';
import { createRouter } from './service/router';

/**
 * The Basalt backend plugin: the REST API under `/api/basalt`.
 *
 * @public
 */
export const basaltPlugin = createBackendPlugin({
  pluginId: 'basalt',
  register(env) {
    const moduleHealthChecks: Parameters<HealthChecks['add']> = [];
    env.registerExtensionPoint(basaltHealthChecksExtensionPoint, {
      addHealthChecks(...checks) {
        moduleHealthChecks.push(...checks);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
      },
      async init({ config, database, httpRouter }) {
        const { health } = readBasaltConfig(config);
        const healthChecks = new HealthChecks({
          timeoutMs: health.checkTimeoutMs,
        });
        healthChecks.add(
          createDatabaseHealthCheck(database),
          ...moduleHealthChecks,
        );

        httpRouter.use(await createRouter({ healthChecks }));
        // Probed by load balancers and CI before anyone has signed in; it
        // reveals check names and outcomes only, never configuration.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
