import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Offerings } from '@basalt/plugin-basalt-common';
import { EngineDriver, Runtime } from '@basalt/plugin-basalt-node';
import { hostname } from 'os';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import { BasaltConfig } from '../config';
import { ClusterController, ControllerBackups, Lease } from '../controller';
import { VolumePools } from '../pools';
import {
  ClusterStore,
  EventStore,
  InstanceStore,
  OperationStore,
  PrimaryStore,
} from '../store';

/** The lifecycle controller and the stores only it writes. */
export interface ControllerParts {
  controller: ClusterController;
  lease: Lease;
  primaries: PrimaryStore;
  instances: InstanceStore;
}

/**
 * Creates the lifecycle controller: its stores, the leadership lease (one
 * holder per backend process) and the controller with the configured
 * queue, failover lane and HA settings.
 */
export function createController(options: {
  knex: Knex;
  settings: BasaltConfig;
  clusters: ClusterStore;
  events: EventStore;
  runtime: Runtime;
  drivers: Map<string, EngineDriver>;
  offerings: Offerings;
  pools: VolumePools;
  backups: ControllerBackups;
  scheduler: SchedulerService;
  logger: LoggerService;
}): ControllerParts {
  const { knex, settings } = options;
  const primaries = new PrimaryStore(knex);
  const instances = new InstanceStore(knex);
  const lease = new Lease(knex, {
    name: 'basalt-controller',
    holder: `${hostname()}-${process.pid}-${randomUUID()}`,
    ttlMs: settings.controller.leaseDurationMs,
  });
  const controller = ClusterController.create({
    clusters: options.clusters,
    events: options.events,
    instances,
    lease,
    runtime: options.runtime,
    drivers: options.drivers,
    scheduler: options.scheduler,
    logger: options.logger.child({ component: 'controller' }),
    resyncIntervalMs: settings.controller.resyncIntervalMs,
    concurrency: settings.controller.concurrency,
    failoverConcurrency: settings.controller.ha.failoverConcurrency,
    primaries,
    ha: settings.controller.ha,
    backups: options.backups,
    pools: options.pools,
    volumeWatermarks: settings.controller.volumeWatermarks,
    offerings: options.offerings,
    operations: new OperationStore(knex),
  });
  return { controller, lease, primaries, instances };
}
