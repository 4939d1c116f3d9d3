import { ConnectionSettings } from '@basalt/plugin-basalt-common';
import { BindingRequest, ConnectionRequest } from '@basalt/plugin-basalt-node';

function splitEndpoint(endpoint: string) {
  const separator = endpoint.lastIndexOf(':');
  return {
    host: endpoint.slice(0, separator),
    port: endpoint.slice(separator + 1),
  };
}

/**
 * A Redis client's settings for one account at one endpoint, and the same
 * as a `redis://` URL without the password: `redis://app:@host:port`, the
 * account before the colon and the password's place after it. Without the
 * colon, clients that follow Redis's older URL form (ioredis, redis-cli)
 * would take the account's name for its password.
 */
export function redisConnectionSettings(
  request: ConnectionRequest,
): ConnectionSettings {
  const { endpoint, account } = request;
  const { host, port } = splitEndpoint(endpoint);
  return {
    url: `redis://${encodeURIComponent(account)}:@${endpoint}`,
    parameters: [
      { name: 'host', value: host },
      { name: 'port', value: port },
      { name: 'username', value: account },
    ],
  };
}

/** The account's Service Binding entries for Redis (servicebinding.io). */
export function redisBindingEntries(
  request: BindingRequest,
): Record<string, string> {
  const { endpoint, account, password } = request;
  return {
    type: 'redis',
    provider: 'basalt',
    ...splitEndpoint(endpoint),
    username: account,
    password,
  };
}
