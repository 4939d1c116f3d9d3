import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
// The actions are tested against a real Basalt backend running real engines.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import basaltPlugin from '@basalt/plugin-basalt-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { killProcessesUnder } from '@basalt/plugin-basalt-backend/testUtils';
import { chmodSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { BasaltCaller } from '../basalt/BasaltCaller';
import { createClusterCreateAction } from './clusterCreate';
import { createClusterDestroyAction } from './clusterDestroy';

jest.setTimeout(120_000);

const manifest = (name: string, spec: object = {}) => ({
  apiVersion: 'basalt.dev/v1alpha1',
  kind: 'EngineCluster',
  metadata: { name, namespace: 'ci' },
  spec: { engine: 'postgresql', terminationPolicy: 'Delete', ...spec },
});

describe('basalt:cluster:create and basalt:cluster:destroy (real PostgreSQL)', () => {
  let rootDir: string;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let basalt: BasaltCaller;
  /** The scaffolder keeps checkpoints per task; one store stands for one task. */
  const task = () => {
    const checkpoints = new Map<string, unknown>();
    return async ({ key, fn }: { key: string; fn: () => unknown }) => {
      if (!checkpoints.has(key)) checkpoints.set(key, await fn());
      return checkpoints.get(key) as any;
    };
  };
  // The mock context takes only some options; dry-run and checkpoints are
  // set on it afterwards.
  const context = (input: object, extra: object = {}) => ({
    ...createMockActionContext({ input: input as any }),
    getInitiatorCredentials: async () => mockCredentials.user(),
    ...extra,
  });

  beforeAll(async () => {
    rootDir = mkdtempSync(join(tmpdir(), 'basalt-actions-'));
    chmodSync(rootDir, 0o755);
    backend = await startTestBackend({
      features: [
        basaltPlugin,
        mockServices.rootConfig.factory({
          data: { basalt: { runtimes: { local: { rootDir } } } },
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
    await killProcessesUnder(rootDir);
    rmSync(rootDir, { recursive: true, force: true });
  });

  it('dry-run validates and creates nothing', async () => {
    const ctx = context({ manifest: manifest('dry-db') }, { isDryRun: true });
    await createClusterCreateAction({ basalt }).handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('clusterRef', 'ci/dry-db');
    await expect(
      basalt.api.getCluster(
        { namespace: 'ci', name: 'dry-db' },
        await basalt.as(mockCredentials.user()),
      ),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  it('takes the manifest as fields too', async () => {
    const ctx = context(
      { name: 'fields-db', namespace: 'ci', engine: 'postgresql', replicas: 2 },
      { isDryRun: true },
    );
    await createClusterCreateAction({ basalt }).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('clusterRef', 'ci/fields-db');
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'resource:ci/fields-db',
    );
  });

  it('refuses an invalid manifest naming the field', async () => {
    await expect(
      createClusterCreateAction({ basalt }).handler(
        context({ manifest: manifest('bad-db', { replicas: 0 }) }),
      ),
    ).rejects.toThrow('spec.replicas: must be at least 1');
  });

  it('creates a cluster, waits until it is ready, and a retry of the task applies nothing twice', async () => {
    const action = createClusterCreateAction({ basalt });
    const checkpoint = task();
    const ctx = context(
      { manifest: manifest('app-db'), timeoutSeconds: 60 },
      { checkpoint },
    );
    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('generation', 1);
    expect(ctx.output).toHaveBeenCalledWith(
      'readWriteEndpoint',
      expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'credentials',
      expect.stringContaining(rootDir),
    );

    // The same task retried, with a changed manifest in between: the
    // checkpoint stands, so nothing is applied again.
    const request = await basalt.as(mockCredentials.user());
    const retried = context(
      { manifest: manifest('app-db', { replicas: 2 }), waitForReady: false },
      { checkpoint },
    );
    await action.handler(retried);
    const cluster = await basalt.api.getCluster(
      { namespace: 'ci', name: 'app-db' },
      request,
    );
    expect(cluster.metadata.generation).toBe(1);
    expect(cluster.spec.replicas).toBe(1);
  });

  it('destroys a cluster and says so; a second destroy finds it gone', async () => {
    const action = createClusterDestroyAction({ basalt });
    const ctx = context(
      { namespace: 'ci', name: 'app-db', timeoutSeconds: 60 },
      { checkpoint: task() },
    );
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('result', 'deleted');
    expect(ctx.output).toHaveBeenCalledWith('terminationPolicy', 'Delete');

    const again = context({ namespace: 'ci', name: 'app-db' });
    await action.handler(again);
    expect(again.output).toHaveBeenCalledWith('result', 'already-gone');
  });

  it('fails the step and deletes nothing when the policy refuses', async () => {
    const request = await basalt.as(mockCredentials.user());
    await basalt.api.applyCluster(
      manifest('kept-db', { terminationPolicy: 'DoNotTerminate' }) as any,
      request,
    );

    await expect(
      createClusterDestroyAction({ basalt }).handler(
        context({ namespace: 'ci', name: 'kept-db' }),
      ),
    ).rejects.toThrow('terminationPolicy DoNotTerminate');
    const kept = await basalt.api.getCluster(
      { namespace: 'ci', name: 'kept-db' },
      request,
    );
    expect(kept.metadata.deletionTimestamp).toBeUndefined();

    // Clean up: let it go, then delete it.
    await basalt.api.applyCluster(manifest('kept-db') as any, request);
    await createClusterDestroyAction({ basalt }).handler(
      context({ namespace: 'ci', name: 'kept-db' }),
    );
  });
});
