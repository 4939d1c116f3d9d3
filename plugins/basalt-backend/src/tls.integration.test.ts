import net from 'node:net';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mockCredentials } from '@backstage/backend-test-utils';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { Client, ClientConfig } from 'pg';
import {
  OUTSIDER,
  postgresManifest,
  untilReady,
  useTestBackend,
} from './__testUtils__/testBackend';
import { socketFrom } from './__testUtils__/socketFrom';

jest.setTimeout(120_000);

const execFileAsync = promisify(execFile);

const backend = useTestBackend({
  ports: { from: 32650, to: 32699 },
  volumes: { enforce: false },
  profiles: {
    secure: {
      engines: { postgresql: ['15'] },
      tls: 'required',
      allowedNetworks: ['127.0.0.1/32'],
    },
  },
});

const ref = { namespace: 'payments', name: 'tls-db' };

describe('TLS and allowed networks through the API and endpoints', () => {
  let cluster: ClusterResource;

  beforeAll(async () => {
    const client = backend.client();
    await client.applyCluster(
      postgresManifest(ref.name, {
        profile: 'secure',
        databases: ['shop'],
        accounts: [{ name: 'app', databases: ['shop'] }],
      }),
    );
    cluster = await untilReady(client, ref, 1);
  });

  /** GET on the API as `user`. */
  function get(path: string, user?: string) {
    const { port } = backend.server.address() as net.AddressInfo;
    return fetch(`http://127.0.0.1:${port}/api/basalt${path}`, {
      headers: { Authorization: mockCredentials.user.header(user) },
    });
  }

  function appPassword(): string {
    const stored = JSON.parse(
      readFileSync(cluster.status!.credentials!.location, 'utf8'),
    );
    return stored.credentials.accounts.app;
  }

  /** Connects as `app` through the read-write endpoint. */
  async function connectApp(options: {
    ssl?: ClientConfig['ssl'];
    from?: string;
  }) {
    const [host, port] = cluster.status!.endpoints.readWrite!.split(':');
    const client = new Client({
      host,
      port: Number(port),
      user: 'app',
      password: appPassword(),
      database: 'shop',
      connectionTimeoutMillis: 5000,
      ssl: options.ssl,
      ...(options.from && { stream: () => socketFrom(options.from!) }),
    });
    try {
      await client.connect();
      const { rows } = await client.query(
        'select ssl from pg_stat_ssl where pid = pg_backend_pid()',
      );
      return rows[0] as { ssl: boolean };
    } finally {
      await client.end().catch(() => {});
    }
  }

  it('says how to verify the server, and serves the CA to readers only', async () => {
    expect(cluster.status!.tls).toEqual({
      required: true,
      sslmode: 'verify-full',
      caCertificateUrl: '/api/basalt/clusters/payments/tls-db/ca.crt',
      caCertificate: expect.stringMatching(/^-----BEGIN CERTIFICATE-----/),
    });
    const response = await get('/clusters/payments/tls-db/ca.crt');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(
      /^application\/x-pem-file/,
    );
    expect(await response.text()).toBe(cluster.status!.tls!.caCertificate);
    expect(
      (await get('/clusters/payments/tls-db/ca.crt', OUTSIDER)).status,
    ).toBe(403);
    const body = await (await get('/clusters/payments/tls-db')).text();
    expect(body).not.toMatch(/PRIVATE KEY/);
  });

  it('accepts TLS verified against the CA and refuses plain connections', async () => {
    const ca = cluster.status!.tls!.caCertificate;
    await expect(
      connectApp({
        ssl: { ca, servername: 'localhost', rejectUnauthorized: true },
      }),
    ).resolves.toEqual({ ssl: true });
    await expect(connectApp({})).rejects.toThrow(
      /no pg_hba.conf entry for host "127.0.0.1", user "app", database "shop", no encryption/,
    );
  });

  it('lets psql connect with sslmode=verify-full and the CA from the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'basalt-ca-'));
    try {
      const caFile = join(dir, 'ca.crt');
      writeFileSync(
        caFile,
        await (await get('/clusters/payments/tls-db/ca.crt')).text(),
      );
      const port = cluster.status!.endpoints.readWrite!.split(':')[1];
      const { stdout } = await execFileAsync(
        '/usr/lib/postgresql/15/bin/psql',
        [
          `host=localhost port=${port} dbname=shop user=app sslmode=verify-full sslrootcert=${caFile}`,
          '--no-psqlrc',
          '--tuples-only',
          '--command=select ssl from pg_stat_ssl where pid = pg_backend_pid()',
        ],
        { env: { ...process.env, PGPASSWORD: appPassword() } },
      );
      expect(stdout.trim()).toBe('t');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a client from outside the allowed networks', async () => {
    const ca = cluster.status!.tls!.caCertificate;
    await expect(
      connectApp({ ssl: { ca, rejectUnauthorized: true }, from: '127.0.0.2' }),
    ).rejects.toThrow(
      /no pg_hba.conf entry for host "127.0.0.2", user "app", database "shop", SSL encryption/,
    );
  });
});
