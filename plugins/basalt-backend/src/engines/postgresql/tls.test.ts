import { X509Certificate } from 'node:crypto';
import { Client, ClientConfig } from 'pg';
import { EngineAddress, EngineContext } from '@basalt/plugin-basalt-node';
import { NetworkPolicy } from '@basalt/plugin-basalt-common';
import {
  clusterKey,
  postgresSpec,
  Testbed,
} from '../../runtime/local/__testUtils__/testbed';
import { ClusterCertificates } from '../../runtime/certificates';
import { PostgresDriver } from './PostgresDriver';
import { socketFrom } from '../../__testUtils__/socketFrom';
import { eventually } from '../../testUtils/eventually';

jest.setTimeout(60_000);

const driver = new PostgresDriver();
const spec = postgresSpec({
  databases: ['shop'],
  accounts: [{ name: 'app', databases: ['shop'] }],
});

describe('PostgreSQL TLS and allowed networks', () => {
  let testbed: Testbed;

  beforeEach(async () => {
    testbed = await Testbed.create({ from: 32600, to: 32649 });
  });

  afterEach(async () => {
    await testbed.cleanup();
  });

  async function startPrimary(network: NetworkPolicy) {
    const runtime = await testbed.runtime();
    const cluster = clusterKey('shop');
    const { credentials } = await runtime.ensureCredentials(cluster, ['app']);
    const context: EngineContext = { spec, credentials, network };
    const primary = await runtime.ensureInstance({
      cluster,
      name: 'shop-0',
      node: 'node-a',
      bootstrap: { from: 'scratch' },
      driver,
      context,
    });
    await driver.ensureDatabasesAndAccounts(primary.address, context);
    const startReplica = async () => {
      const source = { address: primary.address, peerAddress: primary.address };
      const replica = await runtime.ensureInstance({
        cluster,
        name: 'shop-1',
        node: 'node-b',
        bootstrap: { from: 'replica-of', source },
        driver,
        context,
      });
      // Listening comes before a standby takes queries.
      await eventually(
        async () =>
          (
            await driver.probe(replica.address, context)
          ).ready
            ? true
            : undefined,
        { what: 'the replica to answer' },
      );
      return replica.address;
    };
    return { address: primary.address, context, startReplica };
  }

  /** The SHA-256 fingerprint of the certificate the server presents. */
  async function servedFingerprint(
    address: EngineAddress,
    context: EngineContext,
  ): Promise<string> {
    let fingerprint = '';
    const client = new Client({
      host: address.host,
      port: address.port,
      user: context.credentials.superuser.username,
      password: context.credentials.superuser.password,
      database: 'postgres',
      ssl: {
        ca: context.credentials.tls!.caCertificate,
        rejectUnauthorized: true,
        checkServerIdentity: (_host, certificate) => {
          fingerprint = certificate.fingerprint256;
          return undefined;
        },
      },
    });
    await client.connect();
    await client.end();
    return fingerprint;
  }

  /** Connects as `app` and says who the server saw, and whether over TLS. */
  async function connect(
    address: EngineAddress,
    context: EngineContext,
    options: { ssl?: ClientConfig['ssl']; from?: string },
  ) {
    const client = new Client({
      host: address.host,
      port: address.port,
      user: 'app',
      password: context.credentials.accounts.app,
      database: 'shop',
      connectionTimeoutMillis: 5000,
      ssl: options.ssl,
      ...(options.from && { stream: () => socketFrom(options.from!) }),
    });
    try {
      await client.connect();
      const { rows } = await client.query(
        'select ssl, host(inet_client_addr()) as client from pg_stat_ssl where pid = pg_backend_pid()',
      );
      return rows[0] as { ssl: boolean; client: string };
    } finally {
      await client.end().catch(() => {});
    }
  }

  it('accepts TLS verified against the cluster CA and refuses plain connections when required', async () => {
    const { address, context } = await startPrimary({
      tls: 'required',
      allowedNetworks: ['127.0.0.1/32'],
    });
    const ca = context.credentials.tls!.caCertificate;

    await expect(
      connect(address, context, {
        ssl: { ca, servername: 'localhost', rejectUnauthorized: true },
      }),
    ).resolves.toEqual({ ssl: true, client: '127.0.0.1' });
    // Verified by IP address too, as `sslmode=verify-full` with hostaddr does.
    await expect(
      connect(address, context, { ssl: { ca, rejectUnauthorized: true } }),
    ).resolves.toEqual({ ssl: true, client: '127.0.0.1' });

    await expect(connect(address, context, {})).rejects.toThrow(
      /no pg_hba.conf entry for host "127.0.0.1", user "app", database "shop", no encryption/,
    );
    // Another cluster's CA does not vouch for this server.
    const other = await new ClusterCertificates().ensure(
      clusterKey('other'),
      ['localhost'],
      undefined,
    );
    await expect(
      connect(address, context, {
        ssl: { ca: other!.caCertificate, rejectUnauthorized: true },
      }),
    ).rejects.toThrow(/certificate/);
  });

  it('makes running primaries and replicas present a renewed certificate', async () => {
    const { address, context, startReplica } = await startPrimary({
      tls: 'required',
      allowedNetworks: ['127.0.0.1/32'],
    });
    const replica = await startReplica();
    const current = context.credentials.tls!;
    // Renewed now, from the same CA, as if it were within the window.
    const renewed = (await new ClusterCertificates({
      validityDays: 400,
      renewBeforeDays: 366,
    }).ensure(clusterKey('shop'), ['localhost', '127.0.0.1'], current))!;
    expect(renewed.caCertificate).toBe(current.caCertificate);
    const next: EngineContext = {
      ...context,
      credentials: { ...context.credentials, tls: renewed },
    };
    const fingerprintOf = (pem: string) =>
      new X509Certificate(pem).fingerprint256;

    for (const instance of [address, replica]) {
      expect(await servedFingerprint(instance, context)).toBe(
        fingerprintOf(current.certificate),
      );
      await expect(
        driver.ensureServerCertificate(instance, next),
      ).resolves.toBe(true);
      expect(await servedFingerprint(instance, next)).toBe(
        fingerprintOf(renewed.certificate),
      );
      await expect(
        driver.ensureServerCertificate(instance, next),
      ).resolves.toBe(false);
    }
  });

  it('refuses clients from addresses outside the allowed networks', async () => {
    const { address, context } = await startPrimary({
      tls: 'optional',
      allowedNetworks: ['127.0.0.2/32'],
    });

    await expect(
      connect(address, context, { from: '127.0.0.2' }),
    ).resolves.toEqual({ ssl: false, client: '127.0.0.2' });
    await expect(
      connect(address, context, { from: '127.0.0.3' }),
    ).rejects.toThrow(
      /no pg_hba.conf entry for host "127.0.0.3", user "app", database "shop"/,
    );
    await expect(connect(address, context, {})).rejects.toThrow(
      /no pg_hba.conf entry for host "127.0.0.1", user "app", database "shop"/,
    );
  });
});
