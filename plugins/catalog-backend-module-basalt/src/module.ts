import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { BasaltClusterProvider } from './BasaltClusterProvider';
import { readClusterDocs } from './clusterDocs';
import { BasaltDatabasesProcessor } from './BasaltDatabasesProcessor';
import { ComponentDatabasesIndex } from './ComponentDatabasesIndex';

/**
 * Publishes Basalt clusters in the catalog as Resources, refreshed on the
 * schedule in `catalog.providers.basalt.schedule` (default every 5 seconds),
 * and annotates the Components they serve with `basalt.dev/databases`.
 * Each Resource's docs tab shows Basalt's TechDocs and its links lead to
 * the runbooks (`catalog.providers.basalt.techdocsEntity`, `runbooksUrl`).
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
        // Shared in process: the provider fills it from the clusters it
        // lists anyway, the processor reads it for every Component.
        const index = new ComponentDatabasesIndex();
        catalog.addEntityProvider(
          BasaltClusterProvider.create({
            discovery,
            auth,
            logger,
            schedule: scheduler.createScheduledTaskRunner(schedule),
            index,
            docs: readClusterDocs(config),
          }),
        );
        catalog.addProcessor(new BasaltDatabasesProcessor({ index }));
      },
    });
  },
});
