import { ConnectionSettings } from '@basalt/plugin-basalt-common';
import { BindingRequest, ConnectionRequest } from '@basalt/plugin-basalt-node';

/**
 * libpq's settings for one account at one endpoint, and the same as a
 * `postgresql://` URL without the password. With a CA file the client
 * verifies the server's certificate and name (`sslmode=verify-full`).
 */
export function postgresConnectionSettings(
  request: ConnectionRequest,
): ConnectionSettings {
  const { endpoint, account, database, caFile } = request;
  const separator = endpoint.lastIndexOf(':');
  const host = endpoint.slice(0, separator);
  const port = endpoint.slice(separator + 1);
  const parameters = [
    { name: 'host', value: host },
    { name: 'port', value: port },
    ...(database ? [{ name: 'dbname', value: database }] : []),
    { name: 'user', value: account },
    ...(caFile
      ? [
          { name: 'sslmode', value: 'verify-full' },
          { name: 'sslrootcert', value: caFile },
        ]
      : []),
  ];
  const query = new URLSearchParams(
    caFile ? { sslmode: 'verify-full', sslrootcert: caFile } : {},
  ).toString();
  const url = `postgresql://${encodeURIComponent(account)}@${endpoint}/${
    database ? encodeURIComponent(database) : ''
  }${query ? `?${query}` : ''}`;
  return { url, parameters };
}

/** The file name the CA certificate has inside a binding. */
const BINDING_CA = 'ca.crt';

/**
 * The account's Service Binding entries for PostgreSQL, as the
 * servicebinding.io client libraries read them (Spring Cloud Bindings,
 * Quarkus, …): `sslrootcert` names the entry that holds the CA.
 */
export function postgresBindingEntries(
  request: BindingRequest,
): Record<string, string> {
  const { endpoint, account, database, password, caCertificate } = request;
  const separator = endpoint.lastIndexOf(':');
  return {
    type: 'postgresql',
    provider: 'basalt',
    host: endpoint.slice(0, separator),
    port: endpoint.slice(separator + 1),
    ...(database && { database }),
    username: account,
    password,
    ...(caCertificate && {
      sslmode: 'verify-full',
      sslrootcert: BINDING_CA,
      [BINDING_CA]: caCertificate,
    }),
  };
}
