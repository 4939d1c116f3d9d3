import {
  actionContext as context,
  task,
  useBasaltBackend,
} from '../__testUtils__/basaltBackend';
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
  const backend = useBasaltBackend({ ports: { from: 16000, to: 16099 } });

  it('dry-run validates and creates nothing', async () => {
    const ctx = context({ manifest: manifest('dry-db') }, { isDryRun: true });
    await createClusterCreateAction({ basalt: backend.basalt }).handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('clusterRef', 'ci/dry-db');
    await expect(
      backend.basalt.api.getCluster(
        { namespace: 'ci', name: 'dry-db' },
        await backend.asUser(),
      ),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  it('dry-run refuses what the API would refuse, naming the field', async () => {
    const ctx = context(
      {
        manifest: manifest('unsafe-db', {
          parameters: { archive_cleanup_command: 'touch /tmp/x' },
        }),
      },
      { isDryRun: true },
    );
    await expect(
      createClusterCreateAction({ basalt: backend.basalt }).handler(ctx),
    ).rejects.toThrow(
      'spec.parameters.archive_cleanup_command: runs a command on the host',
    );
  });

  it('takes the manifest as fields too', async () => {
    const ctx = context(
      { name: 'fields-db', namespace: 'ci', engine: 'postgresql', replicas: 2 },
      { isDryRun: true },
    );
    await createClusterCreateAction({ basalt: backend.basalt }).handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('clusterRef', 'ci/fields-db');
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'resource:ci/fields-db',
    );
  });

  it('refuses an invalid manifest naming the field', async () => {
    await expect(
      createClusterCreateAction({ basalt: backend.basalt }).handler(
        context({ manifest: manifest('bad-db', { replicas: 0 }) }),
      ),
    ).rejects.toThrow('spec.replicas: must be at least 1');
  });

  it('creates a cluster, waits until it is ready, and a retry of the task applies nothing twice', async () => {
    const action = createClusterCreateAction({ basalt: backend.basalt });
    const checkpoint = task();
    const ctx = context(
      {
        manifest: manifest('app-db', {
          databases: ['app'],
          accounts: [{ name: 'app', databases: ['app'] }],
        }),
        timeoutSeconds: 60,
      },
      { checkpoint },
    );
    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('generation', 1);
    // How to connect, without the password, verifying the server.
    const url = expect.stringMatching(
      /^postgresql:\/\/app@127\.0\.0\.1:\d+\/app\?sslmode=verify-full&sslrootcert=app-db-ca\.crt$/,
    );
    expect(ctx.output).toHaveBeenCalledWith('connections', [
      { account: 'app', url },
    ]);
    expect(ctx.output).toHaveBeenCalledWith(
      'connectionUrls',
      expect.stringMatching(/^- app: `postgresql:\/\/app@.+\/app\?.+`$/),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'readWriteEndpoint',
      expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'credentials',
      expect.stringContaining(backend.rootDir),
    );

    // The same task retried, with a changed manifest in between: the
    // checkpoint stands, so nothing is applied again.
    const request = await backend.asUser();
    const retried = context(
      { manifest: manifest('app-db', { replicas: 2 }), waitForReady: false },
      { checkpoint },
    );
    await action.handler(retried);
    const cluster = await backend.basalt.api.getCluster(
      { namespace: 'ci', name: 'app-db' },
      request,
    );
    expect(cluster.metadata.generation).toBe(1);
    expect(cluster.spec.replicas).toBe(1);
  });

  it('destroys a cluster and says so; a second destroy finds it gone', async () => {
    const action = createClusterDestroyAction({ basalt: backend.basalt });
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
    const request = await backend.asUser();
    await backend.basalt.api.applyCluster(
      manifest('kept-db', { terminationPolicy: 'DoNotTerminate' }) as any,
      request,
    );

    await expect(
      createClusterDestroyAction({ basalt: backend.basalt }).handler(
        context({ namespace: 'ci', name: 'kept-db' }),
      ),
    ).rejects.toThrow('terminationPolicy DoNotTerminate');
    const kept = await backend.basalt.api.getCluster(
      { namespace: 'ci', name: 'kept-db' },
      request,
    );
    expect(kept.metadata.deletionTimestamp).toBeUndefined();

    // Clean up: let it go, then delete it.
    await backend.basalt.api.applyCluster(manifest('kept-db') as any, request);
    await createClusterDestroyAction({ basalt: backend.basalt }).handler(
      context({ namespace: 'ci', name: 'kept-db' }),
    );
  });
});
