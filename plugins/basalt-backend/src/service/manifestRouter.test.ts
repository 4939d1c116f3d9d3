import { BackendFeature } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { chmodSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import request from 'supertest';
import { parse } from 'yaml';
import { basaltModuleEnginePostgresql } from '../engines/postgresql';
import { basaltPlugin } from '../plugin';

jest.setTimeout(30_000);

// This file's own ports: test files run in parallel.
const PORTS = { from: 31300, to: 31349 };

const committed = {
  apiVersion: 'basalt.dev/v1alpha1',
  kind: 'EngineCluster',
  metadata: {
    name: 'orders-db',
    namespace: 'payments',
    annotations: { 'basalt.dev/owner': 'group:default/payments-team' },
  },
  spec: {
    engine: 'postgresql',
    template: 'postgresql-ha',
    storage: { size: '2Gi', pool: 'default' },
    databases: ['orders'],
    accounts: [{ name: 'app', databases: ['orders'], role: 'readwrite' }],
  },
};

describe('GET /clusters/:namespace/:name/manifest', () => {
  let rootDir: string;
  beforeAll(() => {
    rootDir = mkdtempSync(join(tmpdir(), 'basalt-manifest-'));
    chmodSync(rootDir, 0o755);
  });
  afterAll(() => rmSync(rootDir, { recursive: true, force: true }));

  // No engine starts (PostgreSQL's programs are not where it looks): the
  // manifest is what is stored, whatever runs.
  const start = (...features: BackendFeature[]) =>
    startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        mockServices.rootConfig.factory({
          data: {
            basalt: {
              engineTemplates: {
                'postgresql-ha': {
                  engine: 'postgresql',
                  description: 'HA',
                  parameters: { max_connections: '200' },
                },
              },
              runtimes: {
                local: {
                  rootDir,
                  ports: PORTS,
                  postgresql: { binDir: '/nonexistent/bin' },
                },
              },
            },
          },
        }),
        ...features,
      ],
    });

  it('answers the manifest to commit as YAML', async () => {
    const { server } = await start();
    await request(server)
      .post('/api/basalt/clusters')
      .send(committed)
      .expect(201);

    const response = await request(server)
      .get('/api/basalt/clusters/payments/orders-db/manifest')
      .expect(200);
    expect(response.headers['content-type']).toBe(
      'application/yaml; charset=utf-8',
    );
    expect(response.headers['content-disposition']).toBe(
      'inline; filename="orders-db.yaml"',
    );
    const manifest = parse(response.text);
    expect(manifest).toMatchObject({
      ...committed,
      spec: { ...committed.spec, version: '15', parameters: {} },
    });
    expect(manifest).not.toHaveProperty('status');
    expect(manifest.metadata).not.toHaveProperty('uid');
    // Applied again, it changes nothing: the generation stays.
    const again = await request(server)
      .post('/api/basalt/clusters')
      .set('Content-Type', 'application/yaml')
      .send(response.text)
      .expect(200);
    expect(again.body.metadata.generation).toBe(1);
  });

  it('names a bad namespace or name with 400, an unknown cluster with 404', async () => {
    const { server } = await start();
    const bad = await request(server).get(
      '/api/basalt/clusters/Payments/orders-db/manifest',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      "namespace: must be a DNS label (lower-case letters, digits and '-', at most 63 characters), got 'Payments'",
    );
    const unknown = await request(server).get(
      '/api/basalt/clusters/payments/nope/manifest',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe(
      'EngineCluster payments/nope not found',
    );
  });

  it('needs read permission on the cluster, and a signed-in caller', async () => {
    const noRead = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({
          result:
            r.permission.name === 'basalt.cluster.read'
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })),
      authorizeConditional: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    });
    const { server } = await start(noRead.factory);
    await request(server)
      .post('/api/basalt/clusters')
      .send(committed)
      .expect(201);
    const path = '/api/basalt/clusters/payments/orders-db/manifest';
    const denied = await request(server).get(path);
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'Not allowed: basalt.cluster.read on EngineCluster payments/orders-db',
    );
    const anonymous = await request(server)
      .get(path)
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });
});
