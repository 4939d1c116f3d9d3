import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { chmodSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import request from 'supertest';
import { basaltPlugin } from '../plugin';
import { basaltModuleEnginePostgresql } from '../engines/postgresql';

// A backend start and stop on a busy machine take more than jest's 5 s.
jest.setTimeout(30_000);

const CI_TOKEN = 'ci-pipeline-token-for-tests-only';

// As a pipeline does it: the manifest file from the repository, sent as YAML
// with a static token. PostgreSQL's programs are not where this backend
// looks, so no engine starts.
const MANIFEST = `# Database as code
apiVersion: basalt.dev/v1alpha1
kind: EngineCluster
metadata:
  name: pr-42-cache
  namespace: ci
spec:
  engine: postgresql
  terminationPolicy: Delete
`;

describe('CI access with a static token (real auth services)', () => {
  let rootDir: string;
  beforeAll(() => {
    rootDir = mkdtempSync(join(tmpdir(), 'basalt-ci-'));
    chmodSync(rootDir, 0o755);
  });
  afterAll(() => rmSync(rootDir, { recursive: true, force: true }));

  it('applies a YAML manifest and deletes it with the token, and refuses without it', async () => {
    const { server } = await startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        authServiceFactory,
        httpAuthServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              auth: {
                externalAccess: [
                  {
                    type: 'static',
                    options: { token: CI_TOKEN, subject: 'ci-pipeline' },
                  },
                ],
              },
            },
            basalt: {
              runtimes: {
                local: {
                  rootDir,
                  ports: { from: 30000, to: 30099 },
                  postgresql: { binDir: '/nonexistent/bin' },
                },
              },
            },
          },
        }),
      ],
    });
    const post = () =>
      request(server)
        .post('/api/basalt/clusters')
        .set('Content-Type', 'application/yaml')
        .send(MANIFEST);

    expect((await post()).status).toBe(401);
    expect(
      (await post().set('Authorization', 'Bearer not-the-token')).status,
    ).toBe(401);

    const applied = await post().set('Authorization', `Bearer ${CI_TOKEN}`);
    expect(applied.status).toBe(201);
    expect(applied.body.metadata).toMatchObject({
      name: 'pr-42-cache',
      namespace: 'ci',
      annotations: { 'basalt.dev/owner': 'service:ci-pipeline' },
    });

    const broken = await request(server)
      .post('/api/basalt/clusters')
      .set('Content-Type', 'application/yaml')
      .set('Authorization', `Bearer ${CI_TOKEN}`)
      .send('metadata: [unclosed');
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(
      /^The request body is not valid YAML/,
    );

    const deleted = await request(server)
      .delete('/api/basalt/clusters/ci/pr-42-cache')
      .set('Authorization', `Bearer ${CI_TOKEN}`);
    expect(deleted.status).toBe(202);
  });
});
