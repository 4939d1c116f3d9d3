import { DatabaseService } from '@backstage/backend-plugin-api';
import { BasaltHealthCheck, EngineDriver } from '@basalt/plugin-basalt-node';
import { BasaltConfig } from '../config';
import { createDatabaseHealthCheck } from '../health/databaseHealthCheck';
import { HealthChecks } from '../health/HealthChecks';
import { createLocalRuntimeHealthCheck } from '../health/localRuntimeHealthCheck';
import { LocalRuntime } from '../runtime/local';

/** The checks behind `GET /health`: Basalt's own and the modules'. */
export function createHealthChecks(options: {
  settings: BasaltConfig;
  database: DatabaseService;
  localRuntime?: LocalRuntime;
  drivers: EngineDriver[];
  moduleHealthChecks: BasaltHealthCheck[];
}): HealthChecks {
  const { settings, localRuntime } = options;
  const healthChecks = new HealthChecks({
    timeoutMs: settings.health.checkTimeoutMs,
  });
  healthChecks.add(createDatabaseHealthCheck(options.database));
  if (localRuntime) {
    healthChecks.add(
      createLocalRuntimeHealthCheck({
        runtime: localRuntime,
        drivers: options.drivers,
      }),
    );
  }
  healthChecks.add(...options.moduleHealthChecks);
  return healthChecks;
}
