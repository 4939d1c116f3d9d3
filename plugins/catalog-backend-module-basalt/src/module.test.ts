import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
// The provider is tested against a real Basalt backend.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import basaltPlugin, {
  basaltModuleEnginePostgresql,
} from '@basalt/plugin-basalt-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { eventually } from '@basalt/plugin-basalt-backend/testUtils';
import { chmodSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import request from 'supertest';
import { catalogModuleBasaltClusters } from './module';

jest.setTimeout(60_000);

describe('catalogModuleBasaltClusters', () => {
  let rootDir: string;
  beforeAll(() => {
    rootDir = mkdtempSync(join(tmpdir(), 'basalt-catalog-'));
    chmodSync(rootDir, 0o755);
  });
  afterAll(() => rmSync(rootDir, { recursive: true, force: true }));

  it('publishes each cluster as a Resource within seconds and removes it after deletion', async () => {
    const { server } = await startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        catalogPlugin,
        catalogModuleBasaltClusters,
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            basalt: {
              runtimes: {
                // No engine runs: PostgreSQL's programs are not there.
                local: {
                  rootDir,
                  ports: { from: 16400, to: 16499 },
                  postgresql: { binDir: '/nonexistent/bin' },
                },
              },
            },
            catalog: {
              processingInterval: { seconds: 1 },
              providers: {
                basalt: {
                  schedule: {
                    frequency: { seconds: 1 },
                    timeout: { seconds: 30 },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    await request(server)
      .post('/api/basalt/clusters')
      .send({
        apiVersion: 'basalt.dev/v1alpha1',
        kind: 'EngineCluster',
        metadata: {
          name: 'sessions',
          namespace: 'payments',
          annotations: {
            'basalt.dev/owner': 'group:default/payments-team',
            'basalt.dev/component': 'component:default/payments-service',
          },
        },
        spec: { engine: 'postgresql', terminationPolicy: 'Delete' },
      })
      .expect(201);

    const entityUrl =
      '/api/catalog/entities/by-name/resource/payments/sessions';
    const entity = await eventually(
      async () => {
        const response = await request(server).get(entityUrl);
        return response.status === 200 ? response.body : undefined;
      },
      { what: 'the Resource in the catalog', timeoutMs: 30_000 },
    );
    expect(entity).toMatchObject({
      kind: 'Resource',
      metadata: {
        name: 'sessions',
        namespace: 'payments',
        annotations: {
          'basalt.dev/cluster': 'payments/sessions',
          // Its docs tab shows Basalt's documentation...
          'backstage.io/techdocs-entity': 'component:default/basalt',
        },
        // ...and its links lead to the runbooks.
        links: expect.arrayContaining([
          expect.objectContaining({
            url: 'http://localhost:3000/docs/default/component/basalt/operations/#when-a-cluster-is-not-ready',
            type: 'runbook',
          }),
        ]),
      },
      spec: {
        type: 'database',
        owner: 'group:default/payments-team',
        dependencyOf: ['component:default/payments-service'],
      },
    });
    expect(JSON.stringify(entity)).not.toMatch(/password/i);

    await request(server)
      .delete('/api/basalt/clusters/payments/sessions')
      .expect(202);
    const gone = await eventually(
      async () =>
        (await request(server).get(entityUrl)).status === 404
          ? true
          : undefined,
      { what: 'the Resource to leave the catalog', timeoutMs: 30_000 },
    );
    expect(gone).toBe(true);
  });
});
