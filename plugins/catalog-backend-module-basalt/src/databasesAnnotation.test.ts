/* eslint-disable @backstage/no-mixed-plugin-imports */
// The annotation follows the clusters of a real Basalt backend.
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import basaltPlugin, {
  basaltModuleEnginePostgresql,
} from '@basalt/plugin-basalt-backend';
import {
  eventually,
  killProcessesUnder,
} from '@basalt/plugin-basalt-backend/testUtils';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import request from 'supertest';
import { catalogModuleBasaltClusters } from './module';

jest.setTimeout(120_000);

const COMPONENTS = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments-service
spec: { type: service, lifecycle: production, owner: group:default/payments-team }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: search-service
spec: { type: service, lifecycle: production, owner: group:default/search-team }
`;

describe('the basalt.dev/databases annotation', () => {
  let rootDir: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  beforeAll(() => {
    rootDir = mkdtempSync(join(tmpdir(), 'basalt-databases-'));
    chmodSync(rootDir, 0o755);
  });
  afterAll(async () => {
    await backend?.stop();
    await killProcessesUnder(rootDir);
    rmSync(rootDir, { recursive: true, force: true });
  });

  it('follows the clusters of a Component within seconds, not a processing interval', async () => {
    const catalogFile = join(rootDir, 'catalog-info.yaml');
    writeFileSync(catalogFile, COMPONENTS);
    backend = await startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        catalogPlugin,
        catalogModuleBasaltClusters,
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            basalt: {
              runtimes: {
                local: { rootDir, ports: { from: 16300, to: 16399 } },
              },
            },
            catalog: {
              // Far longer than the test: only the provider's refresh of the
              // Component can bring the annotation in time.
              processingInterval: { minutes: 30 },
              locations: [
                {
                  type: 'file',
                  target: catalogFile,
                  rules: [{ allow: ['Component'] }],
                },
              ],
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
    const { server } = backend;
    const annotationsOf = async (name: string) => {
      const response = await request(server).get(
        `/api/catalog/entities/by-name/component/default/${name}`,
      );
      return response.status === 200
        ? (response.body.metadata.annotations as Record<string, string>)
        : undefined;
    };

    const before = await eventually(() => annotationsOf('payments-service'), {
      what: 'payments-service in the catalog',
      timeoutMs: 30_000,
    });
    expect(before).not.toHaveProperty('basalt.dev/databases');

    await request(server)
      .post('/api/basalt/clusters')
      .send({
        apiVersion: 'basalt.dev/v1alpha1',
        kind: 'EngineCluster',
        metadata: {
          name: 'orders-db',
          namespace: 'payments',
          annotations: {
            'basalt.dev/owner': 'group:default/payments-team',
            // A partial ref: kind component, namespace default.
            'basalt.dev/component': 'payments-service',
          },
        },
        spec: {
          engine: 'postgresql',
          replicas: 1,
          terminationPolicy: 'Delete',
        },
      })
      .expect(201);

    const served = await eventually(
      async () => {
        const annotations = await annotationsOf('payments-service');
        return annotations?.['basalt.dev/databases'] ? annotations : undefined;
      },
      { what: 'the annotation on payments-service', timeoutMs: 20_000 },
    );
    expect(served['basalt.dev/databases']).toBe('payments/orders-db');
    expect(await annotationsOf('search-service')).not.toHaveProperty(
      'basalt.dev/databases',
    );
    // The Resource's relation names the same component as the annotation.
    const { body: resource } = await request(server)
      .get('/api/catalog/entities/by-name/resource/payments/orders-db')
      .expect(200);
    expect(resource.spec.dependencyOf).toEqual([
      'component:default/payments-service',
    ]);

    await request(server)
      .delete('/api/basalt/clusters/payments/orders-db')
      .expect(202);
    const after = await eventually(
      async () => {
        const annotations = await annotationsOf('payments-service');
        return annotations && !annotations['basalt.dev/databases']
          ? annotations
          : undefined;
      },
      { what: 'the annotation to leave payments-service', timeoutMs: 30_000 },
    );
    expect(after).not.toHaveProperty('basalt.dev/databases');
  });
});
