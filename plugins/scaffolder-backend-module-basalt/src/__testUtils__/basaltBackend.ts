import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
// The actions are tested against a real Basalt backend running real engines.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import basaltPlugin, {
  basaltModuleEnginePostgresql,
} from '@basalt/plugin-basalt-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { killProcessesUnder } from '@basalt/plugin-basalt-backend/testUtils';
import { chmodSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { BasaltCaller } from '../basalt/BasaltCaller';

/**
 * Starts a Basalt backend over the local runtime with real PostgreSQL, in a
 * temporary root directory, for the tests of one file: registers a
 * `beforeAll`, and an `afterAll` that stops it and kills every engine
 * process it started, even when a test failed. Give each file its own port
 * range, as test files run in parallel.
 */
export function useBasaltBackend(options: {
  ports: { from: number; to: number };
}) {
  let rootDir = '';
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  let basalt: BasaltCaller | undefined;

  beforeAll(async () => {
    rootDir = mkdtempSync(join(tmpdir(), 'basalt-actions-'));
    chmodSync(rootDir, 0o755); // the engine user must be able to reach it
    backend = await startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        mockServices.rootConfig.factory({
          data: {
            basalt: {
              runtimes: { local: { rootDir, ports: options.ports } },
              // Inside the root directory, so that backups and archived WAL
              // go with it.
              backups: {
                repositories: {
                  default: {
                    type: 'filesystem',
                    path: join(rootDir, 'backups'),
                  },
                },
              },
            },
          },
        }),
      ],
    });
    const { port } = backend.server.address() as { port: number };
    basalt = new BasaltCaller({
      discovery: {
        getBaseUrl: async id => `http://127.0.0.1:${port}/api/${id}`,
        getExternalBaseUrl: async id => `http://127.0.0.1:${port}/api/${id}`,
      },
      auth: mockServices.auth(),
    });
  });

  afterAll(async () => {
    await backend?.stop();
    if (rootDir) {
      await killProcessesUnder(rootDir);
      rmSync(rootDir, { recursive: true, force: true });
    }
  });

  return {
    /** Calls Basalt as the actions do, on behalf of a user. */
    get basalt() {
      return basalt!;
    },
    get rootDir() {
      return rootDir;
    },
    /** Request options for the mock user, for calls the test makes itself. */
    asUser: () => basalt!.as(mockCredentials.user()),
  };
}

/**
 * A checkpoint store standing for one scaffolder task: a retried task
 * shares it, so its checkpointed side effects do not run again.
 */
export function task() {
  const checkpoints = new Map<string, unknown>();
  return async ({ key, fn }: { key: string; fn: () => unknown }) => {
    if (!checkpoints.has(key)) checkpoints.set(key, await fn());
    return checkpoints.get(key) as any;
  };
}

/**
 * An action context run by the mock user. The mock context takes only some
 * options; dry-run and checkpoints are set on it afterwards, via `extra`.
 */
export function actionContext(input: object, extra: object = {}) {
  return {
    ...createMockActionContext({ input: input as any }),
    getInitiatorCredentials: async () => mockCredentials.user(),
    ...extra,
  };
}
