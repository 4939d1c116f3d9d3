import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { basaltPermissions } from '@basalt/plugin-basalt-common';
import {
  EngineDriver,
  Runtime,
  basaltEnginesExtensionPoint,
  basaltHealthChecksExtensionPoint,
  BasaltHealthCheck,
  basaltClusterPermissionRules,
  clusterPermissionResourceRef,
} from '@basalt/plugin-basalt-node';
import { readBasaltConfig } from './config';
import { readOfferings } from './offerings';
import { readPoolConfig, VolumePools } from './pools';
import {
  createBackups,
  permissionResources,
  scheduleBackupTasks,
} from './wiring/createBackups';
import { createHealthChecks } from './wiring/createHealthChecks';
import { createRuntime } from './wiring/createRuntime';
import { createApi } from './wiring/createApi';
import { createController } from './wiring/createController';
import { installedDrivers } from './wiring/installedDrivers';
import { ClusterStore, EventStore, connectAndMigrate } from './store';

/**
 * The Basalt backend plugin: the REST API under `/api/basalt` and the
 * lifecycle controller.
 *
 * @public
 */
export const basaltPlugin = createBackendPlugin({
  pluginId: 'basalt',
  register(env) {
    const moduleHealthChecks: BasaltHealthCheck[] = [];
    const moduleDrivers: EngineDriver[] = [];
    const moduleRuntimes: Runtime[] = [];
    env.registerExtensionPoint(basaltHealthChecksExtensionPoint, {
      addHealthChecks: (...checks) => moduleHealthChecks.push(...checks),
    });
    env.registerExtensionPoint(basaltEnginesExtensionPoint, {
      addEngineDrivers: (...drivers) => moduleDrivers.push(...drivers),
      addRuntimes: (...runtimes) => moduleRuntimes.push(...runtimes),
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        userInfo: coreServices.userInfo,
      },
      async init(deps) {
        const { config, database, httpAuth, httpRouter, lifecycle, logger } =
          deps;
        const settings = readBasaltConfig(config);
        const drivers = installedDrivers(moduleDrivers);
        if (drivers.size === 0) {
          logger.warn(
            'No engine is installed: every manifest will be refused. Add an engine module, e.g. basaltModuleEnginePostgresql',
          );
        }
        const offerings = readOfferings(config, [...drivers.values()]);
        const stopping = new AbortController();
        const knex = await connectAndMigrate(database);
        const clusters = new ClusterStore(knex);

        const {
          runtime,
          pools: poolPlacement,
          localRuntime,
          ...runtimeControl
        } = await createRuntime({
          config,
          settings,
          profiles: offerings.profiles,
          moduleRuntimes,
          drivers: [...drivers.values()],
          logger,
        });
        const pools = await VolumePools.create({
          listNodes: poolPlacement.listNodes,
          poolsOn: nodes =>
            readPoolConfig(config, { nodes, rootDir: poolPlacement.rootDir }),
        });

        const events = new EventStore(knex);
        const backups = createBackups({
          config,
          settings,
          knex,
          clusters,
          events,
          runtime,
          drivers,
          profiles: offerings.profiles,
          logger: logger.child({ component: 'backups' }),
        });
        const { controller, lease, primaries, instances } = createController({
          knex,
          settings,
          clusters,
          events,
          runtime,
          drivers,
          offerings,
          pools,
          backups: backups.controller,
          scheduler: deps.scheduler,
          logger,
        });
        // A finished backup shows on the cluster's status as its last one.
        backups.runner.onFinished(record =>
          controller.enqueue(record.cluster.uid),
        );

        const healthChecks = createHealthChecks({
          settings,
          database,
          localRuntime,
          drivers: [...drivers.values()],
          moduleHealthChecks,
        });

        deps.permissionsRegistry.addPermissions(basaltPermissions);
        deps.permissionsRegistry.addResourceType({
          resourceRef: clusterPermissionResourceRef,
          rules: Object.values(basaltClusterPermissionRules),
          getResources: refs =>
            permissionResources(refs, clusters, backups.store),
        });
        const api = await createApi({
          healthChecks,
          httpAuth,
          permissions: deps.permissions,
          userInfo: deps.userInfo,
          clusters,
          events,
          primaries,
          instances,
          controller,
          runtime,
          drivers,
          offerings,
          pools,
          backups,
          logger,
        });
        httpRouter.use(api.router);
        // Probed by load balancers and CI before anyone has signed in; it
        // reveals check names and outcomes only, never configuration.
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        lifecycle.addStartupHook(async () => {
          await controller.start();
          await scheduleBackupTasks({
            scheduler: deps.scheduler,
            settings,
            backups,
            isLeader: () => lease.isHeld(),
            signal: stopping.signal,
          });
        });
        // Engines keep running (they are detached on purpose); only the
        // backend's own work stops. Each step runs even if another fails.
        // Open log streams end first: the HTTP server waits for them.
        lifecycle.addShutdownHook(async () => {
          api.logs.close();
          stopping.abort();
          backups.runner.abortAll();
          const results = await Promise.allSettled([
            controller.stop(),
            runtimeControl.stop(),
          ]);
          for (const result of results) {
            if (result.status === 'rejected') {
              logger.warn('Basalt did not shut down cleanly', result.reason);
            }
          }
        });
      },
    });
  },
});
