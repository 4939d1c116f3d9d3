import { ReplicationSource } from '../engine';
import { RuntimeInstance } from './types';

/**
 * `instance` as a source of replication: where the backend reaches it, and
 * where the cluster's other instances do.
 *
 * @public
 */
export function replicationSourceOf(
  instance: RuntimeInstance,
): ReplicationSource {
  return {
    address: instance.address,
    peerAddress: instance.peerAddress ?? instance.address,
  };
}
