import {
  BackendFeature,
  createBackendModule,
} from '@backstage/backend-plugin-api';
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
import { chmodSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import request from 'supertest';
import { basaltPlugin } from './plugin';
import { basaltModuleEnginePostgresql } from './engines/postgresql';

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

const rootDir = mkdtempSync(join(tmpdir(), 'basalt-plugin-'));
// The engine user must be able to reach it.
chmodSync(rootDir, 0o755);
afterAll(() => rmSync(rootDir, { recursive: true, force: true }));

/** The plugin with its local runtime in a temporary directory. */
function start(basalt: object = {}, ...features: BackendFeature[]) {
  return startTestBackend({
    features: [
      basaltPlugin,
      basaltModuleEnginePostgresql,
      mockServices.rootConfig.factory({
        data: {
          basalt: {
            runtimes: { local: { rootDir, ports: { from: 31200, to: 31299 } } },
            ...basalt,
          },
        },
      }),
      ...features,
    ],
  });
}

describe('basalt backend plugin', () => {
  it('answers GET /api/basalt/health with passing database and runtime checks', async () => {
    const { server } = await start();

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
        {
          name: 'runtime-local',
          status: 'pass',
          message: 'postgresql programs found in /usr/lib/postgresql/15/bin',
          durationMs: expect.any(Number),
        },
      ],
    });
  });

  it('says what to install when the engine programs are missing', async () => {
    const { server } = await start({
      runtimes: {
        local: { rootDir, postgresql: { binDir: '/nonexistent/bin' } },
      },
    });

    const response = await request(server).get('/api/basalt/health');

    expect(response.status).toBe(503);
    expect(response.body.checks).toContainEqual(
      expect.objectContaining({
        name: 'runtime-local',
        status: 'fail',
        message:
          "postgresql program initdb not found in /nonexistent/bin: install Debian's postgresql package (apt-get install postgresql) or set basalt.runtimes.local.postgresql.binDir",
      }),
    );
  });

  // These machines run the backend as root, so engines run as 'nobody'.
  it('says when the engine user cannot reach the runtime directory', async () => {
    const closed = mkdtempSync(join(tmpdir(), 'basalt-closed-'));
    try {
      const { server } = await start({
        runtimes: { local: { rootDir: join(closed, 'local') } },
      });

      const response = await request(server).get('/api/basalt/health');

      expect(response.status).toBe(503);
      expect(response.body.checks).toContainEqual(
        expect.objectContaining({
          name: 'runtime-local',
          status: 'fail',
          message: `The engine user 'nobody' cannot reach ${closed}/local: ${closed} (mode 700) does not let it in; set basalt.runtimes.local.rootDir to a directory it can reach, or allow it through with chmod o+x ${closed}`,
        }),
      );
    } finally {
      rmSync(closed, { recursive: true, force: true });
    }
  });

  it('serves health to callers without credentials', async () => {
    const { server } = await start();

    const response = await request(server)
      .get('/api/basalt/health')
      .set('Authorization', mockCredentials.none.header());

    expect(response.status).toBe(200);
  });

  it('is readable through the typed client', async () => {
    const { server } = await start();
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
      checks: [
        { name: 'database', status: 'pass' },
        { name: 'runtime-local', status: 'pass' },
      ],
    });
  });

  it('answers 503 and names the checks that fail or hang', async () => {
    const { server } = await start(
      // Long enough for the real checks on a loaded machine; the hanging
      // one still fails.
      { health: { checkTimeout: '2s' } },
      healthCheckModule(
        {
          name: 'engine-images',
          check: async () => {
            throw new Error('image registry.internal/postgres:15 not pullable');
          },
        },
        { name: 'repository', check: () => new Promise(() => {}) },
      ),
    );

    const response = await request(server).get('/api/basalt/health');

    expect(response.status).toBe(503);
    expect(response.body.status).toBe('failing');
    expect(response.body.checks).toEqual([
      expect.objectContaining({ name: 'database', status: 'pass' }),
      expect.objectContaining({
        name: 'engine-images',
        status: 'fail',
        message: 'image registry.internal/postgres:15 not pullable',
      }),
      expect.objectContaining({
        name: 'repository',
        status: 'fail',
        message: 'did not answer within 2000 ms',
      }),
      expect.objectContaining({ name: 'runtime-local', status: 'pass' }),
    ]);
  });

  it('runs no engine that no module installed, and says so at admission', async () => {
    const { server } = await startTestBackend({
      features: [
        basaltPlugin,
        mockServices.rootConfig.factory({
          data: {
            basalt: {
              runtimes: {
                local: { rootDir, ports: { from: 31200, to: 31299 } },
              },
            },
          },
        }),
      ],
    });

    const offerings = await request(server).get('/api/basalt/offerings');
    expect(offerings.body.engines).toEqual([]);
    const applied = await request(server)
      .post('/api/basalt/clusters')
      .send({
        apiVersion: 'basalt.dev/v1alpha1',
        kind: 'EngineCluster',
        metadata: { name: 'orders' },
        spec: { engine: 'postgresql' },
      });
    expect(applied.status).toBe(400);
    expect(applied.body.error.message).toBe(
      'spec.engine: no driver for postgresql is installed; installed: none',
    );
  });

  it('refuses to start with two health checks of the same name', async () => {
    const duplicate: BasaltHealthCheck = {
      name: 'database',
      check: async () => ({ message: 'fine' }),
    };

    await expect(start({}, healthCheckModule(duplicate))).rejects.toThrow(
      "A Basalt health check named 'database' is already registered",
    );
  });
});
