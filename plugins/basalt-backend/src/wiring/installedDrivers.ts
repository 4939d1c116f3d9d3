import { EngineDriver } from '@basalt/plugin-basalt-node';

/**
 * The engine drivers modules added, by engine: one module per engine, each
 * driver able to do what its capabilities declare. Throws, stopping the
 * backend at start, naming the engine and what is wrong.
 */
export function installedDrivers(
  added: EngineDriver[],
): Map<string, EngineDriver> {
  const drivers = new Map<string, EngineDriver>();
  for (const driver of added) {
    if (drivers.has(driver.engine)) {
      throw new Error(
        `Two modules add a driver for the engine ${driver.engine}; install one`,
      );
    }
    const problem = logArchivingProblem(driver);
    if (problem) {
      throw new Error(`The driver for the engine ${driver.engine} ${problem}`);
    }
    drivers.set(driver.engine, driver);
  }
  return drivers;
}

/** What is missing for the point-in-time recovery a driver declares. */
function logArchivingProblem(driver: EngineDriver): string | undefined {
  if (!driver.capabilities.backups.pointInTime) return undefined;
  const archiving = driver.backups?.logArchiving;
  if (!archiving) {
    return "declares point-in-time recovery but not how its log is archived (backups.logArchiving: 'pushed' or 'streamed')";
  }
  if (archiving === 'streamed' && !driver.backups?.streamLog) {
    return 'streams its log (backups.logArchiving) but has no backups.streamLog';
  }
  return undefined;
}
