import { ClusterReasons, ClusterResource } from '@basalt/plugin-basalt-common';
import { EngineDriver } from '@basalt/plugin-basalt-node';
import { Observation } from './computeStatus';

/** The cluster's driver, or why its engine cannot run here. */
export function driverFor(
  drivers: Map<string, EngineDriver>,
  cluster: ClusterResource,
): { driver: EngineDriver } | { failure: NonNullable<Observation['failure']> } {
  const { engine, version } = cluster.spec;
  const driver = drivers.get(engine);
  if (!driver) {
    return {
      failure: {
        reason: ClusterReasons.EngineUnavailable,
        message: `No driver for engine ${engine} is installed; installed: ${
          [...drivers.keys()].join(', ') || 'none'
        }`,
      },
    };
  }
  if (!driver.versions.includes(version)) {
    return {
      failure: {
        reason: ClusterReasons.EngineVersionUnsupported,
        message: `${engine} ${version} is not supported; supported versions: ${driver.versions.join(
          ', ',
        )}`,
      },
    };
  }
  return { driver };
}
