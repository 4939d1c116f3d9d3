import {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Offerings } from '@basalt/plugin-basalt-common';
import { EngineDriver, Runtime } from '@basalt/plugin-basalt-node';
import express from 'express';
import { ClusterController } from '../controller';
import { HealthChecks } from '../health/HealthChecks';
import { VolumePools } from '../pools';
import { BackupService } from '../service/BackupService';
import { ClusterLogs } from '../service/ClusterLogs';
import { ClusterService } from '../service/ClusterService';
import { ConnectionService } from '../service/ConnectionService';
import { NodeService } from '../service/NodeService';
import { PoolService } from '../service/PoolService';
import { createRouter } from '../service/router';
import {
  ClusterStore,
  EventStore,
  InstanceStore,
  PrimaryStore,
} from '../store';
import { Backups } from './createBackups';

/** The REST API, and the log streams to end before the server stops. */
export interface Api {
  router: express.Router;
  logs: ClusterLogs;
}

/** Creates the services behind `/api/basalt` and their router. */
export async function createApi(options: {
  healthChecks: HealthChecks;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  clusters: ClusterStore;
  events: EventStore;
  primaries: PrimaryStore;
  instances: InstanceStore;
  controller: ClusterController;
  runtime: Runtime;
  drivers: Map<string, EngineDriver>;
  offerings: Offerings;
  pools: VolumePools;
  backups: Backups;
  logger: LoggerService;
}): Promise<Api> {
  const { clusters, runtime, drivers, pools, instances, backups } = options;
  const clusterService = new ClusterService({
    clusters,
    events: options.events,
    controller: options.controller,
    primaries: options.primaries,
    permissions: options.permissions,
    offerings: options.offerings,
    drivers,
    restores: backups.controller.planner,
    repositories: backups.repositories,
    pools,
    instances,
    userInfo: options.userInfo,
  });
  const logs = new ClusterLogs({ clusters: clusterService, runtime, drivers });
  const router = await createRouter({
    healthChecks: options.healthChecks,
    httpAuth: options.httpAuth,
    clusters: clusterService,
    clusterStore: clusters,
    connections: new ConnectionService({
      clusters,
      events: options.events,
      runtime,
      drivers,
      permissions: options.permissions,
      controller: options.controller,
    }),
    logs,
    nodes: new NodeService({ clusters: clusterService, runtime }),
    pools: new PoolService({
      pools,
      instances,
      clusters,
      readable: clusterService,
      runtime,
      logger: options.logger.child({ component: 'pools' }),
    }),
    backups: new BackupService({
      clusters,
      clusterService,
      backups: backups.store,
      runner: backups.runner,
      accessor: backups.accessor,
      permissions: options.permissions,
    }),
  });
  return { router, logs };
}
