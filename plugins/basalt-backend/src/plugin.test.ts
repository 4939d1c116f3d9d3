import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { BasaltClient } from '@basalt/plugin-basalt-common';
import {
  BasaltHealthCheck,
  basaltHealthChecksExtensionPoint,
} from '@basalt/plugin-basalt-node';
import request from 'supertest';
import { basaltPlugin } from './plugin';

/** A backend module that adds health checks, as adopters' modules do. */
function healthCheckModule(...checks: BasaltHealthCheck[]) {
  return createBackendModule({
    pluginId: 'basalt',
    moduleId: 'test-health-checks',
    register(env) {
      env.registerInit({
        deps: { healthChecks: basaltHealthChecksExtensionPoint },
        async init({ healthChecks }) {
          healthChecks.addHealthChecks(...checks);
        },
      });
    },
  });
}

describe('basalt backend plugin', () => {
  it('answers GET /api/basalt/health with a passing database check', async () => {
    const { server } = await startTestBackend({ features: [basaltPlugin] });

    const response = await request(server).get('/api/basalt/health');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'ok',
      checks: [
        {
          name: 'database',
          status: 'pass',
          message: 'better-sqlite3 answered',
          durationMs: expect.any(Number),
        },
      ],
    });
  });

  it('serves health to callers without credentials', async () => {
    const { server } = await startTestBackend({ features: [basaltPlugin] });

    const response = await request(server)
      .get('/api/basalt/health')
      .set('Authorization', mockCredentials.none.header());

    expect(response.status).toBe(200);
  });

  it('is readable through the typed client', async () => {
    const { server } = await startTestBackend({ features: [basaltPlugin] });
    const address = server.address();
    if (!address || typeof address === 'string') {
      throw new Error(`unexpected server address ${address}`);
    }
    const client = new BasaltClient({
      discoveryApi: {
        getBaseUrl: async pluginId =>
          `http://127.0.0.1:${address.port}/api/${pluginId}`,
      },
    });

    await expect(client.getHealth()).resolves.toMatchObject({
      status: 'ok',
      checks: [{ name: 'database', status: 'pass' }],
    });
  });

  it('answers 503 and names the checks that fail or hang', async () => {
    const { server } = await startTestBackend({
      features: [
        basaltPlugin,
        mockServices.rootConfig.factory({
          data: { basalt: { health: { checkTimeout: '100ms' } } },
        }),
        healthCheckModule(
          {
            name: 'runtime-local',
            check: async () => {
              throw new Error('no PostgreSQL binaries in /usr/lib/postgresql');
            },
          },
          { name: 'repository', check: () => new Promise(() => {}) },
        ),
      ],
    });

    const response = await request(server).get('/api/basalt/health');

    expect(response.status).toBe(503);
    expect(response.body.status).toBe('failing');
    expect(response.body.checks).toEqual([
      expect.objectContaining({ name: 'database', status: 'pass' }),
      expect.objectContaining({
        name: 'repository',
        status: 'fail',
        message: 'did not answer within 100 ms',
      }),
      expect.objectContaining({
        name: 'runtime-local',
        status: 'fail',
        message: 'no PostgreSQL binaries in /usr/lib/postgresql',
      }),
    ]);
  });

  it('refuses to start with two health checks of the same name', async () => {
    const duplicate: BasaltHealthCheck = {
      name: 'database',
      check: async () => ({ message: 'fine' }),
    };

    await expect(
      startTestBackend({
        features: [basaltPlugin, healthCheckModule(duplicate)],
      }),
    ).rejects.toThrow(
      "A Basalt health check named 'database' is already registered",
    );
  });
});
