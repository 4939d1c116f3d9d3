import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parseEngineCluster } from '@basalt/plugin-basalt-common';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { createManifestWriteAction } from './manifestWrite';

describe('basalt:manifest:write', () => {
  const workspace = createMockDirectory();
  const action = createManifestWriteAction();

  beforeEach(() => workspace.clear());

  const readWorkspace = (path: string) =>
    readFileSync(join(workspace.path, path), 'utf8');

  const run = (input: Record<string, unknown>) => {
    const ctx = createMockActionContext({
      input: input as any,
      workspacePath: workspace.path,
    });
    return { ctx, done: action.handler(ctx) };
  };

  it('writes a validated manifest with its defaults to databases/<name>.yaml', async () => {
    const { ctx, done } = run({
      name: 'payments-db',
      namespace: 'payments',
      engine: 'postgresql',
      databases: ['payments'],
      owner: 'group:default/payments-team',
      component: 'component:default/payments-service',
    });
    await done;

    const text = readWorkspace('databases/payments-db.yaml');
    expect(text).toMatch(/^# Database as code/);
    const written = parse(text);
    expect(written).toEqual(parseEngineCluster(written));
    expect(written).toMatchObject({
      apiVersion: 'basalt.dev/v1alpha1',
      kind: 'EngineCluster',
      metadata: {
        name: 'payments-db',
        namespace: 'payments',
        annotations: {
          'basalt.dev/owner': 'group:default/payments-team',
          'basalt.dev/component': 'component:default/payments-service',
        },
      },
      spec: {
        engine: 'postgresql',
        replicas: 1,
        databases: ['payments'],
        terminationPolicy: 'BackupThenDelete',
      },
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'path',
      'databases/payments-db.yaml',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'clusterRef',
      'payments/payments-db',
    );
    // The file's content too, for the template's output to show.
    expect(ctx.output).toHaveBeenCalledWith('yaml', text);
    expect(ctx.output).toHaveBeenCalledWith('manifest', written);
  });

  it('lets the fields override a given manifest and keeps the rest of it', async () => {
    await run({
      name: 'ledger-db',
      replicas: 3,
      storageSize: '20Gi',
      path: 'deploy/ledger-db.yaml',
      manifest: {
        metadata: { name: 'ignored', labels: { tier: 'gold' } },
        spec: {
          engine: 'postgresql',
          replicas: 1,
          storage: { pool: 'fast', size: '5Gi' },
          ha: { replication: 'sync' },
        },
      },
    }).done;

    const written = parse(readWorkspace('deploy/ledger-db.yaml'));
    expect(written.metadata).toMatchObject({
      name: 'ledger-db',
      labels: { tier: 'gold' },
    });
    expect(written.spec).toMatchObject({
      replicas: 3,
      storage: { size: '20Gi', pool: 'fast' },
      ha: { replication: 'sync', failover: 'automatic' },
    });
  });

  it('refuses an invalid manifest naming the field, and writes nothing', async () => {
    await expect(
      run({ name: 'payments-db', engine: 'postgresql', replicas: 12 }).done,
    ).rejects.toThrow(
      'Invalid EngineCluster manifest: spec.replicas: must be at most 9',
    );
    expect(workspace.content()).toEqual({});
  });

  it('refuses to write outside the workspace', async () => {
    await expect(
      run({ name: 'payments-db', engine: 'postgresql', path: '../escape.yaml' })
        .done,
    ).rejects.toThrow(/outside/i);
    expect(workspace.content()).toEqual({});
  });
});
