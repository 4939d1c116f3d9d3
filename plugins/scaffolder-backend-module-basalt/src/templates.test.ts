import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { parseEngineCluster } from '@basalt/plugin-basalt-common';
// The dry run admits the manifest through a real Basalt backend.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import basaltPlugin, {
  basaltModuleEnginePostgresql,
  basaltModuleEngineRedis,
} from '@basalt/plugin-basalt-backend';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import request from 'supertest';
import { parse } from 'yaml';
import { scaffolderModuleBasalt } from './module';

/** The golden templates of this repository, as the catalog reads them. */
const template = (name: string) =>
  parse(
    readFileSync(
      resolve(__dirname, `../../../templates/${name}/template.yaml`),
      'utf8',
    ),
  );

/**
 * The portal's own offerings (engine templates, profiles, size classes),
 * which the golden templates name, on a local runtime that starts nothing.
 */
const basaltConfig = (rootDir: string) => ({
  ...parse(readFileSync(resolve(__dirname, '../../../app-config.yaml'), 'utf8'))
    .basalt,
  runtimes: {
    local: {
      rootDir,
      postgresql: { binDir: '/nonexistent/bin' },
      redis: { binDir: '/nonexistent/bin' },
    },
  },
  backups: {
    repositories: {
      default: { type: 'filesystem', path: join(rootDir, 'backups') },
    },
  },
});

let rootDir: string;
beforeAll(() => {
  rootDir = mkdtempSync(join(tmpdir(), 'basalt-templates-'));
  chmodSync(rootDir, 0o755);
});
afterAll(() => rmSync(rootDir, { recursive: true, force: true }));

/** The example service, its source in a GitHub repository. */
const paymentsService = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-service',
    namespace: 'default',
    annotations: {
      'backstage.io/source-location':
        'url:https://github.com/acme/payments-service/tree/main/',
    },
  },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
};

/**
 * A dry run of the template through the scaffolder, with Basalt's actions
 * and GitHub's (whose pull request action plans without calling GitHub in
 * a dry run); `github` configures an integration with credentials.
 */
async function dryRun(
  name: string,
  values: object,
  options: { github?: boolean } = {},
) {
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      catalogServiceMock.factory({ entities: [paymentsService] }),
      scaffolderModuleBasalt,
      githubModule,
      basaltPlugin,
      basaltModuleEnginePostgresql,
      basaltModuleEngineRedis,
      mockServices.rootConfig.factory({
        data: {
          basalt: basaltConfig(rootDir),
          ...(options.github && {
            integrations: {
              github: [{ host: 'github.com', token: 'not-a-real-token' }],
            },
          }),
        },
      }),
    ],
  });
  const response = await request(server)
    .post('/api/scaffolder/v2/dry-run')
    .set('Authorization', mockCredentials.user.header())
    .send({
      template: template(name),
      values,
      secrets: {},
      directoryContents: [],
    });
  expect(response.status).toBe(200);
  return response.body as {
    steps: { id: string }[];
    log: { body: { message: string; status?: string } }[];
    directoryContents: { path: string; base64Content: string }[];
    output: {
      links: { title: string; url?: string }[];
      text: { title: string; content: string }[];
    };
  };
}

function writtenManifest(
  result: Awaited<ReturnType<typeof dryRun>>,
  path: string,
) {
  const file = result.directoryContents.find(f => f.path === path);
  expect(file).toBeDefined();
  return parseEngineCluster(
    parse(Buffer.from(file!.base64Content, 'base64').toString('utf8')),
  );
}

describe('golden templates (dry-run through a started scaffolder)', () => {
  it('PostgreSQL database: renders an HA manifest in its profile and plans the creation', async () => {
    const result = await dryRun(
      'postgresql-database',
      {
        name: 'ledger-db',
        owner: 'group:default/payments-team',
        component: 'component:default/payments-service',
        database: 'ledger',
        instances: 3,
        size: 'm',
        storageSize: '20Gi',
        profile: 'sg-prod',
      },
      { github: true },
    );

    const manifest = writtenManifest(result, 'databases/ledger-db.yaml');
    expect(manifest.metadata.annotations).toEqual({
      'basalt.dev/owner': 'group:default/payments-team',
      'basalt.dev/component': 'component:default/payments-service',
    });
    expect(manifest.spec).toMatchObject({
      engine: 'postgresql',
      replicas: 3,
      template: 'postgresql-ha',
      profile: 'sg-prod',
      resources: { class: 'm' },
      storage: { size: '20Gi' },
      databases: ['ledger'],
      accounts: [{ name: 'ledger', databases: ['ledger'], role: 'readwrite' }],
    });
    // The output shows the manifest to commit, as written.
    const shown = result.output.text.find(
      t => t.title === 'The manifest to commit',
    );
    expect(shown?.content).toContain(
      Buffer.from(
        result.directoryContents.find(
          f => f.path === 'databases/ledger-db.yaml',
        )!.base64Content,
        'base64',
      ).toString('utf8'),
    );
    // …and offers it as a file, on the portal's manifest page.
    expect(result.output.links).toContainEqual({
      title: 'Download the manifest',
      url: '/basalt/clusters/default/ledger-db/manifest',
    });
    const messages = result.log.map(l => l.body.message).join('\n');
    expect(messages).toContain('Would create EngineCluster default/ledger-db');
    // With a GitHub integration, the manifest is proposed to the service's
    // repository.
    expect(messages).toContain('Performing dry run of creating pull request');
    expect(shown?.content).toContain(
      'A pull request proposes it: github.com?owner=acme&repo=payments-service',
    );
    expect(messages).not.toMatch(/error/i);
  });

  it('PostgreSQL database: says why no pull request was opened without an integration', async () => {
    const result = await dryRun('postgresql-database', {
      name: 'orders-db',
      owner: 'group:default/payments-team',
      component: 'component:default/payments-service',
      database: 'orders',
      instances: 1,
      size: 's',
      storageSize: '1Gi',
      profile: 'dev',
    });

    const messages = result.log.map(l => l.body.message).join('\n');
    expect(messages).not.toContain('creating pull request');
    expect(
      result.output.text.find(t => t.title === 'The manifest to commit')
        ?.content,
    ).toContain(
      'No pull request was opened: the portal has no GitHub integration with credentials for github.com.',
    );
  });

  it('Ephemeral test database: renders a standalone dev database that is backed up, verified and restore-tested before it is deleted', async () => {
    const result = await dryRun('ephemeral-test-database', {
      name: 'pr-1234-db',
      owner: 'group:default/payments-team',
    });

    const manifest = writtenManifest(result, 'databases/pr-1234-db.yaml');
    expect(manifest.spec).toMatchObject({
      replicas: 1,
      template: 'postgresql-standalone',
      profile: 'dev',
      terminationPolicy: 'BackupThenDelete',
      databases: ['app'],
    });
    expect(result.log.map(l => l.body.message).join('\n')).toContain(
      'Would create EngineCluster default/pr-1234-db',
    );
  });

  it('Redis cache: renders an HA cache with its ACL account and no databases', async () => {
    const result = await dryRun('redis-cache', {
      name: 'sessions-cache',
      owner: 'group:default/payments-team',
      component: 'component:default/payments-service',
      account: 'sessions',
      instances: 3,
      size: 's',
      storageSize: '2Gi',
      profile: 'us-prod',
    });

    const manifest = writtenManifest(result, 'databases/sessions-cache.yaml');
    expect(manifest.spec).toMatchObject({
      engine: 'redis',
      replicas: 3,
      template: 'redis-ha',
      profile: 'us-prod',
      storage: { size: '2Gi' },
      databases: [],
      accounts: [{ name: 'sessions', databases: [], role: 'readwrite' }],
    });
    const messages = result.log.map(l => l.body.message).join('\n');
    expect(messages).toContain(
      'Would create EngineCluster default/sessions-cache',
    );
    expect(messages).not.toMatch(/error/i);
  });

  it('Ephemeral test database: can be a Redis cache for the test environment', async () => {
    const result = await dryRun('ephemeral-test-database', {
      name: 'pr-1234-cache',
      owner: 'group:default/payments-team',
      engine: 'redis',
    });

    const manifest = writtenManifest(result, 'databases/pr-1234-cache.yaml');
    expect(manifest.spec).toMatchObject({
      engine: 'redis',
      replicas: 1,
      template: 'redis-standalone',
      terminationPolicy: 'BackupThenDelete',
      databases: [],
      accounts: [{ name: 'app', databases: [] }],
    });
  });
});
