import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { BasaltClusterProvider } from './BasaltClusterProvider';

/**
 * Publishes Basalt clusters in the catalog as Resources, refreshed on the
 * schedule in `catalog.providers.basalt.schedule` (default every 5 seconds).
 *
 * @public
 */
export const catalogModuleBasaltClusters = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'basalt-clusters',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, config, discovery, auth, logger, scheduler }) {
        const key = 'catalog.providers.basalt.schedule';
        const schedule = config.has(key)
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              config.getConfig(key),
            )
          : { frequency: { seconds: 5 }, timeout: { minutes: 1 } };
        catalog.addEntityProvider(
          BasaltClusterProvider.create({
            discovery,
            auth,
            logger,
            schedule: scheduler.createScheduledTaskRunner(schedule),
          }),
        );
      },
    });
  },
});
