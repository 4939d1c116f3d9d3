import { EngineHost } from '../engine';
import { InstanceRequest } from './types';

/**
 * Creates a new instance's data as its request's `bootstrap` says: a new
 * primary, a restore from a backup, or a copy of the primary for a replica.
 * Every runtime calls it once the instance's engine host is ready and
 * before the server first starts.
 *
 * @public
 */
export function initializeData(
  request: Pick<InstanceRequest, 'bootstrap' | 'driver' | 'context'>,
  host: EngineHost,
): Promise<void> {
  const { bootstrap, driver, context } = request;
  if (bootstrap.from === 'scratch') {
    return driver.initializePrimary(host, context);
  }
  if (bootstrap.from === 'restore') return bootstrap.restore(host);
  return driver.initializeReplica(host, context, bootstrap.source);
}
