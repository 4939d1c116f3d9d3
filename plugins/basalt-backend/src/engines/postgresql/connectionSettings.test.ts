import {
  postgresBindingEntries,
  postgresConnectionSettings,
} from './connectionSettings';

describe('postgresConnectionSettings', () => {
  it('gives a URL without a password and the libpq settings', () => {
    expect(
      postgresConnectionSettings({
        endpoint: '127.0.0.1:15432',
        account: 'app',
        database: 'orders',
      }),
    ).toEqual({
      url: 'postgresql://app@127.0.0.1:15432/orders',
      parameters: [
        { name: 'host', value: '127.0.0.1' },
        { name: 'port', value: '15432' },
        { name: 'dbname', value: 'orders' },
        { name: 'user', value: 'app' },
      ],
    });
  });

  it('verifies the server with the CA file when the cluster has TLS', () => {
    const settings = postgresConnectionSettings({
      endpoint: 'orders-db-rw.payments.svc:5432',
      account: 'app',
      database: 'orders',
      caFile: 'orders-db-ca.crt',
    });
    expect(settings.url).toBe(
      'postgresql://app@orders-db-rw.payments.svc:5432/orders?sslmode=verify-full&sslrootcert=orders-db-ca.crt',
    );
    expect(settings.parameters.slice(-2)).toEqual([
      { name: 'sslmode', value: 'verify-full' },
      { name: 'sslrootcert', value: 'orders-db-ca.crt' },
    ]);
  });

  it('connects to the default database when none is named', () => {
    expect(
      postgresConnectionSettings({ endpoint: 'localhost:5432', account: 'ops' })
        .url,
    ).toBe('postgresql://ops@localhost:5432/');
  });
});

describe('postgresBindingEntries', () => {
  it('gives the Service Binding entries, with the CA and full verification under TLS', () => {
    expect(
      postgresBindingEntries({
        endpoint: 'orders-db-rw.payments.svc.cluster.local:5432',
        account: 'app',
        database: 'orders',
        password: 'pw',
        caCertificate: '-----BEGIN CERTIFICATE-----',
      }),
    ).toEqual({
      type: 'postgresql',
      provider: 'basalt',
      host: 'orders-db-rw.payments.svc.cluster.local',
      port: '5432',
      database: 'orders',
      username: 'app',
      password: 'pw',
      sslmode: 'verify-full',
      sslrootcert: 'ca.crt',
      'ca.crt': '-----BEGIN CERTIFICATE-----',
    });
  });

  it('has no TLS entries without TLS', () => {
    expect(
      Object.keys(
        postgresBindingEntries({
          endpoint: '10.0.0.1:5432',
          account: 'app',
          password: 'pw',
        }),
      ),
    ).toEqual(['type', 'provider', 'host', 'port', 'username', 'password']);
  });
});
