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
} from '@basalt/plugin-basalt-node';
import { hostname } from 'os';
import { randomUUID } from 'crypto';
import { readBasaltConfig } from './config';
import { readOfferings } from './offerings';
import { readPoolConfig, VolumePools } from './pools';
import { ClusterController, Lease } from './controller';
import { PostgresDriver } from './engines/postgresql';
import {
  basaltClusterPermissionRules,
  clusterPermissionResourceRef,
} from './permissions';
import { ClusterLogs } from './service/ClusterLogs';
import { ClusterService } from './service/ClusterService';
import { NodeService } from './service/NodeService';
import { PoolService } from './service/PoolService';
import { createRouter } from './service/router';
import { BackupService } from './service/BackupService';
import {
  createBackups,
  permissionResources,
  scheduleBackupTasks,
} from './wiring/createBackups';
import { createHealthChecks } from './wiring/createHealthChecks';
import { createRuntime } from './wiring/createRuntime';
import {
  ClusterStore,
  EventStore,
  InstanceStore,
  PrimaryStore,
  connectAndMigrate,
} from './store';

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
      },
      async init(deps) {
        const { config, database, httpAuth, httpRouter, lifecycle, logger } =
          deps;
        const settings = readBasaltConfig(config);
        const drivers = new Map<string, EngineDriver>(
          [
            new PostgresDriver({ binDir: settings.local.postgresqlBinDir }),
            ...moduleDrivers,
          ].map(d => [d.engine, d]),
        );
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
          logger,
        });
        const pools = await VolumePools.create({
          listNodes: poolPlacement.listNodes,
          poolsOn: nodes =>
            readPoolConfig(config, { nodes, rootDir: poolPlacement.rootDir }),
        });

        const events = new EventStore(knex);
        const primaries = new PrimaryStore(knex);
        const lease = new Lease(knex, {
          name: 'basalt-controller',
          holder: `${hostname()}-${process.pid}-${randomUUID()}`,
          ttlMs: settings.controller.leaseDurationMs,
        });
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
        const instances = new InstanceStore(knex);
        const controller = ClusterController.create({
          clusters,
          events,
          instances,
          lease,
          runtime,
          drivers,
          scheduler: deps.scheduler,
          logger: logger.child({ component: 'controller' }),
          resyncIntervalMs: settings.controller.resyncIntervalMs,
          concurrency: settings.controller.concurrency,
          failoverConcurrency: settings.controller.ha.failoverConcurrency,
          primaries,
          ha: settings.controller.ha,
          backups: backups.controller,
          pools,
          volumeWatermarks: settings.controller.volumeWatermarks,
          offerings,
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
        const clusterService = new ClusterService({
          clusters,
          events,
          controller,
          primaries,
          permissions: deps.permissions,
          offerings,
          drivers,
          restores: backups.controller.planner,
          repositories: backups.repositories,
          pools,
          instances,
        });
        const logs = new ClusterLogs({
          clusters: clusterService,
          runtime,
          drivers,
        });
        httpRouter.use(
          await createRouter({
            healthChecks,
            httpAuth,
            clusters: clusterService,
            logs,
            nodes: new NodeService({ clusters: clusterService, runtime }),
            pools: new PoolService({
              pools,
              instances,
              clusters,
              runtime,
              logger: logger.child({ component: 'pools' }),
            }),
            backups: new BackupService({
              clusters,
              clusterService,
              backups: backups.store,
              runner: backups.runner,
              accessor: backups.accessor,
              permissions: deps.permissions,
            }),
          }),
        );
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
          logs.close();
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
