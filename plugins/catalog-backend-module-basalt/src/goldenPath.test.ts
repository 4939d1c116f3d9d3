/* eslint-disable @backstage/no-mixed-plugin-imports */
// The golden path end to end, template → scaffolder → Basalt → catalog,
// needs every plugin involved.
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleTemplates from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import basaltPlugin, {
  basaltModuleEnginePostgresql,
} from '@basalt/plugin-basalt-backend';
import {
  eventually,
  killProcessesUnder,
} from '@basalt/plugin-basalt-backend/testUtils';
import scaffolderModuleBasalt from '@basalt/plugin-scaffolder-backend-module-basalt';
import { chmodSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { resolve, join } from 'path';
import request from 'supertest';
import { catalogModuleBasaltClusters } from './module';

jest.setTimeout(180_000);

describe('the PostgreSQL database template, run for real', () => {
  let rootDir: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  beforeAll(() => {
    rootDir = mkdtempSync(join(tmpdir(), 'basalt-golden-'));
    chmodSync(rootDir, 0o755);
  });
  afterAll(async () => {
    await backend?.stop();
    await killProcessesUnder(rootDir);
    rmSync(rootDir, { recursive: true, force: true });
  });

  it('ends with a running cluster and its Resource in the catalog', async () => {
    const templateFile = resolve(
      __dirname,
      '../../../templates/postgresql-database/template.yaml',
    );
    backend = await startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        catalogPlugin,
        catalogModuleTemplates,
        catalogModuleBasaltClusters,
        scaffolderPlugin,
        scaffolderModuleBasalt,
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            basalt: {
              runtimes: {
                local: { rootDir, ports: { from: 16200, to: 16299 } },
              },
              engineTemplates: {
                'postgresql-standalone': {
                  engine: 'postgresql',
                  parameters: { max_connections: '50' },
                },
                'postgresql-ha': {
                  engine: 'postgresql',
                  parameters: { max_connections: '200' },
                },
              },
              profiles: {
                dev: { engines: { postgresql: ['15'] }, maxReplicas: 3 },
              },
            },
            catalog: {
              processingInterval: { seconds: 1 },
              locations: [
                {
                  type: 'file',
                  target: templateFile,
                  rules: [{ allow: ['Template'] }],
                },
              ],
              providers: {
                basalt: {
                  // Slower than the cluster becomes ready: the task must
                  // wait for its Resource to reach the catalog.
                  schedule: {
                    frequency: { seconds: 10 },
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
    await eventually(
      async () =>
        (
          await request(server).get(
            '/api/catalog/entities/by-name/template/default/postgresql-database',
          )
        ).status === 200 || undefined,
      { what: 'the template in the catalog', timeoutMs: 30_000 },
    );

    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .send({
        templateRef: 'template:default/postgresql-database',
        values: {
          name: 'orders-db',
          owner: 'group:default/payments-team',
          component: 'component:default/payments-service',
          database: 'orders',
          instances: 3,
          size: 's',
          storageSize: '1Gi',
          profile: 'dev',
        },
      });
    expect(created.status).toBe(201);
    const task = await eventually(
      async () => {
        const { body } = await request(server).get(
          `/api/scaffolder/v2/tasks/${created.body.id}`,
        );
        return ['completed', 'failed'].includes(body.status) ? body : undefined;
      },
      { what: 'the task to finish', timeoutMs: 120_000 },
    );
    if (task.status !== 'completed') {
      const { body: events } = await request(server).get(
        `/api/scaffolder/v2/tasks/${created.body.id}/events`,
      );
      throw new Error(
        `task ${task.status}: ${events
          .map((e: any) => e.body.message)
          .join('\n')}`,
      );
    }

    const { body: cluster } = await request(server).get(
      '/api/basalt/clusters/default/orders-db',
    );
    expect(cluster.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Ready', status: 'True' }),
    );
    expect(cluster.status.instances.map((i: any) => i.role).sort()).toEqual([
      'primary',
      'replica',
      'replica',
    ]);
    expect(cluster.spec.parameters).toEqual({ max_connections: '200' });

    // The task ends once the Resource is in the catalog, so the output's
    // link to it leads to it at once.
    const resource = await request(server).get(
      '/api/catalog/entities/by-name/resource/default/orders-db',
    );
    expect(resource.status).toBe(200);
    expect(resource.body.spec).toMatchObject({
      type: 'database',
      owner: 'group:default/payments-team',
      dependencyOf: ['component:default/payments-service'],
    });

    await request(server).delete('/api/basalt/clusters/default/orders-db');
  });
});
