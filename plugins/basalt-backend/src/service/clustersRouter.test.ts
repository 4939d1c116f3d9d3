import { BackendFeature } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import request from 'supertest';
import {
  BasaltClient,
  EngineClusterInput,
  OWNER_ANNOTATION,
} from '@basalt/plugin-basalt-common';
import {
  basaltClusterConditions,
  createBasaltClusterConditionalDecision,
} from '@basalt/plugin-basalt-node';
import { basaltPlugin } from '../plugin';
import { basaltModuleEnginePostgresql } from '../engines/postgresql';
import { eventually } from '../testUtils/eventually';

const manifest = (name: string, spec: object = {}, metadata: object = {}) => ({
  apiVersion: 'basalt.dev/v1alpha1',
  kind: 'EngineCluster',
  metadata: { name, namespace: 'payments', ...metadata },
  spec: { engine: 'postgresql', ...spec },
});

jest.setTimeout(30_000);

// This file's own ports: test files run in parallel.
const PORTS = { from: 31000, to: 31099 };

describe('the /clusters API', () => {
  let rootDir: string;
  beforeAll(() => {
    rootDir = mkdtempSync(join(tmpdir(), 'basalt-api-'));
    chmodSync(rootDir, 0o755); // the engine user must be able to reach it
  });
  afterAll(() => rmSync(rootDir, { recursive: true, force: true }));

  // PostgreSQL's programs are not where this backend looks, so clusters
  // are validated, stored and reported on without starting any engine.
  const withoutEngines = () => ({
    local: {
      rootDir,
      ports: PORTS,
      postgresql: { binDir: '/nonexistent/bin' },
    },
  });
  const start = (...features: BackendFeature[]) =>
    startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        mockServices.rootConfig.factory({
          data: { basalt: { runtimes: withoutEngines() } },
        }),
        ...features,
      ],
    });

  it('refuses an invalid manifest with 400 naming each field', async () => {
    const { server } = await start();
    const response = await request(server)
      .post('/api/basalt/clusters')
      .send(manifest('Bad_Name', { engine: 'Mongo DB', replicas: -1 }));

    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(
      'metadata.name: must be a DNS label',
    );
    expect(response.body.error.message).toContain(
      'spec.engine: must be an engine id: lower-case letters, digits and "-", e.g. postgresql',
    );
    expect(response.body.error.message).toContain(
      'spec.replicas: must be at least 1',
    );
  });

  it('refuses an engine no module installed, naming those installed', async () => {
    const { server } = await start();
    const response = await request(server)
      .post('/api/basalt/clusters')
      .send(manifest('sessions', { engine: 'mongodb' }));

    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe(
      'spec.engine: no driver for mongodb is installed; installed: postgresql',
    );
  });

  it('answers 404 for an unknown cluster', async () => {
    const { server } = await start();
    const response = await request(server).get(
      '/api/basalt/clusters/payments/nope',
    );
    expect(response.status).toBe(404);
    expect(response.body.error.message).toBe(
      'EngineCluster payments/nope not found',
    );
  });

  it('lists by namespace, owner and label', async () => {
    const { server } = await start();
    await request(server)
      .post('/api/basalt/clusters')
      .send(manifest('cache-a', {}, { labels: { env: 'prod' } }))
      .expect(201);
    await request(server)
      .post('/api/basalt/clusters')
      .send(
        manifest(
          'cache-b',
          {},
          {
            annotations: { 'basalt.dev/owner': 'group:default/payments-team' },
          },
        ),
      )
      .expect(201);

    const names = async (query: string) =>
      (
        await request(server).get(`/api/basalt/clusters?${query}`)
      ).body.items.map((c: any) => c.metadata.name);
    expect(await names('namespace=payments')).toEqual(['cache-a', 'cache-b']);
    expect(await names('namespace=orders')).toEqual([]);
    expect(await names('label=env=prod')).toEqual(['cache-a']);
    expect(
      await names(`owner=${encodeURIComponent('group:default/payments-team')}`),
    ).toEqual(['cache-b']);
    expect(
      await names(
        `owner=${encodeURIComponent(
          mockCredentials.user().principal.userEntityRef,
        )}`,
      ),
    ).toEqual(['cache-a']);
    expect(
      (await request(server).get('/api/basalt/clusters?label=env')).status,
    ).toBe(400);
  });

  it('refuses an engine without a driver, storing nothing', async () => {
    const { server } = await start();
    const response = await request(server)
      .post('/api/basalt/clusters')
      .send(manifest('cache-c', { engine: 'redis' }));
    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe(
      'spec.engine: no driver for redis is installed; installed: postgresql',
    );
    expect(
      (await request(server).get('/api/basalt/clusters/payments/cache-c'))
        .status,
    ).toBe(404);
  });

  it('admits a manifest without storing it on a dry run', async () => {
    const { server } = await start();
    const dryRun = await request(server)
      .post('/api/basalt/clusters?dryRun=All')
      .send(manifest('planned', { parameters: { log_connections: 'true' } }));
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toMatchObject({
      created: true,
      manifest: { spec: { parameters: { log_connections: 'on' } } },
    });
    expect(
      (await request(server).get('/api/basalt/clusters/payments/planned'))
        .status,
    ).toBe(404);
    const refused = await request(server)
      .post('/api/basalt/clusters?dryRun=All')
      .send(manifest('planned', { parameters: { fsync: 'sometimes' } }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(
      'Invalid EngineCluster manifest: spec.parameters.fsync: must be on or off',
    );
    expect(
      (
        await request(server)
          .post('/api/basalt/clusters?dryRun=yes')
          .send(manifest('planned'))
      ).status,
    ).toBe(400);
  });

  it('says what to install when the engine programs are missing, creating nothing', async () => {
    const { server } = await startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        mockServices.rootConfig.factory({
          data: {
            basalt: {
              runtimes: {
                local: { rootDir, postgresql: { binDir: '/nonexistent/bin' } },
              },
            },
          },
        }),
      ],
    });
    await request(server)
      .post('/api/basalt/clusters')
      .send(manifest('orders-db', { engine: 'postgresql' }))
      .expect(201);

    const degraded = await eventually(
      async () => {
        const { body } = await request(server).get(
          '/api/basalt/clusters/payments/orders-db',
        );
        return body.status?.conditions.find(
          (c: any) => c.type === 'Degraded' && c.status === 'True',
        );
      },
      { what: 'the Degraded condition' },
    );
    expect(degraded).toMatchObject({
      reason: 'EngineUnavailable',
      message:
        "postgresql program initdb not found in /nonexistent/bin: install Debian's postgresql package (apt-get install postgresql) or set basalt.runtimes.local.postgresql.binDir",
    });
    // The nodes' own directories exist from the start; nothing is in them.
    for (const node of readdirSync(join(rootDir, 'nodes'))) {
      expect(readdirSync(join(rootDir, 'nodes', node))).toEqual([]);
    }
  });

  it('honours terminationPolicy: DoNotTerminate answers 409 and deletes nothing', async () => {
    const { server } = await start();
    await request(server)
      .post('/api/basalt/clusters')
      .send(manifest('keep', { terminationPolicy: 'DoNotTerminate' }))
      .expect(201);

    const keep = await request(server).delete(
      '/api/basalt/clusters/payments/keep',
    );
    expect(keep.status).toBe(409);
    expect(keep.body.error.message).toContain(
      'terminationPolicy DoNotTerminate',
    );
    const { body } = await request(server)
      .get('/api/basalt/clusters/payments/keep')
      .expect(200);
    expect(body.metadata.deletionTimestamp).toBeUndefined();
  });

  it('deletes a cluster with terminationPolicy Delete', async () => {
    const { server } = await start();
    const ref = '/api/basalt/clusters/payments/gone';
    await request(server)
      .post('/api/basalt/clusters')
      .send(manifest('gone', { terminationPolicy: 'Delete' }))
      .expect(201);

    const deleted = await request(server).delete(ref);
    expect(deleted.status).toBe(202);
    const status = await eventually(
      async () => {
        const { status: code } = await request(server).get(ref);
        return code === 404 ? code : undefined;
      },
      { what: 'the cluster to be gone' },
    );
    expect(status).toBe(404);
  });

  it('is fully usable through the typed client', async () => {
    const { server } = await start();
    const { port } = server.address() as { port: number };
    const client = new BasaltClient({
      discoveryApi: {
        getBaseUrl: async pluginId =>
          `http://127.0.0.1:${port}/api/${pluginId}`,
      },
    });
    const ref = { namespace: 'payments', name: 'typed' };

    expect((await client.getOfferings()).resourceClasses).toHaveLength(3);
    const created = await client.applyCluster(
      manifest(
        'typed',
        { terminationPolicy: 'Delete' },
        { labels: { via: 'client' } },
      ) as EngineClusterInput,
    );
    expect(created.metadata).toMatchObject({ name: 'typed', generation: 1 });
    expect((await client.getCluster(ref)).metadata.uid).toBe(
      created.metadata.uid,
    );
    expect(
      (await client.listClusters({ labels: { via: 'client' } })).map(
        c => c.metadata.name,
      ),
    ).toEqual(['typed']);
    await expect(
      client.applyCluster(
        manifest('typed', { replicas: 0 }) as EngineClusterInput,
      ),
    ).rejects.toMatchObject({
      statusCode: 400,
    });
    // The creation is tried, and the engine missing here is the warning.
    const warning = await eventually(
      async () =>
        (
          await client.listClusterEvents(ref, { limit: 10 })
        ).find(e => e.type === 'Warning'),
      { what: 'a warning event' },
    );
    expect(warning).toMatchObject({
      cluster: 'payments/typed',
      reason: 'EngineUnavailable',
      message: expect.stringContaining('initdb not found'),
    });

    await client.deleteCluster(ref);
    const gone = await eventually(
      () =>
        client.getCluster(ref).then(
          () => undefined,
          error => error.statusCode,
        ),
      { what: 'the cluster to be gone' },
    );
    expect(gone).toBe(404);
  });

  it('lists the offerings and applies templates and profiles, refusing what breaks a rule', async () => {
    const { server } = await startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        mockServices.rootConfig.factory({
          data: {
            basalt: {
              runtimes: {
                local: { rootDir, ports: PORTS },
              },
              engineTemplates: {
                'postgresql-tuned': {
                  engine: 'postgresql',
                  description: 'Tuned baseline',
                  parameters: { log_connections: true, work_mem: '8MB' },
                },
              },
              profiles: {
                'sg-prod': {
                  description: 'Singapore production',
                  engines: { postgresql: ['15'] },
                  maxReplicas: 3,
                  backup: { schedule: '0 2 * * *', retention: '14d' },
                  parameters: {
                    postgresql: { forbiddenValues: { fsync: ['off'] } },
                  },
                },
              },
            },
          },
        }),
      ],
    });

    const offerings = await request(server).get('/api/basalt/offerings');
    expect(offerings.status).toBe(200);
    expect(offerings.body.engineTemplates.map((t: any) => t.name)).toEqual([
      'postgresql-tuned',
    ]);
    const [postgresql] = offerings.body.engines;
    expect(postgresql).toMatchObject({
      engine: 'postgresql',
      versions: ['15'],
      defaultVersion: '15',
      capabilities: {
        kind: 'database',
        databases: true,
        replication: { modes: ['async', 'sync'], lag: ['bytes'] },
        backups: {
          methods: ['physical', 'logical'],
          pointInTime: { log: 'WAL' },
        },
      },
    });
    expect(
      postgresql.parameters.find((d: any) => d.name === 'work_mem'),
    ).toEqual({
      name: 'work_mem',
      description: 'Memory per sort or hash operation',
      type: 'integer',
      unit: 'memory',
      baseUnit: 'kB',
      min: 64,
      max: 2147483647,
      apply: 'reload',
      profileMayForbid: false,
    });
    expect(offerings.body.profiles[0]).toMatchObject({
      name: 'sg-prod',
      runtime: 'local',
      maxReplicas: 3,
      parameters: {
        postgresql: {
          forbidden: [],
          forbiddenValues: { fsync: ['off'] },
          pinned: {},
        },
      },
    });
    expect(offerings.body.resourceClasses.map((c: any) => c.name)).toEqual([
      's',
      'm',
      'l',
    ]);

    const applied = await request(server)
      .post('/api/basalt/clusters')
      .send(
        manifest('cache', {
          template: 'postgresql-tuned',
          profile: 'sg-prod',
          parameters: { work_mem: '16MB' },
        }),
      );
    expect(applied.status).toBe(201);
    expect(applied.body.spec.parameters).toEqual({
      log_connections: 'on',
      work_mem: '16MB',
    });
    expect(applied.body.spec.backup).toEqual({
      schedule: '0 2 * * *',
      retention: '14d',
      repository: 'default',
      method: 'physical',
      logArchiving: true,
      restoreTest: true,
    });

    const refused = await request(server)
      .post('/api/basalt/clusters')
      .send(manifest('big-cache', { profile: 'sg-prod', replicas: 5 }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(
      'spec.replicas: profile sg-prod allows at most 3 replicas, not 5',
    );
    expect(
      (await request(server).get('/api/basalt/clusters/payments/big-cache'))
        .status,
    ).toBe(404);
    const unsafe = await request(server)
      .post('/api/basalt/clusters')
      .send(
        manifest('unsafe', {
          profile: 'sg-prod',
          parameters: { fsync: 'off' },
        }),
      );
    expect(unsafe.status).toBe(400);
    expect(unsafe.body.error.message).toBe(
      "Invalid EngineCluster manifest: spec.parameters.fsync: profile sg-prod does not allow 'off' (forbidden: off)",
    );
  });

  it('checks permissions on every route', async () => {
    const denied = await start(
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    );
    const create = await request(denied.server)
      .post('/api/basalt/clusters')
      .send(manifest('denied'));
    expect(create.status).toBe(403);
    expect(create.body.error.message).toBe(
      'Not allowed: basalt.cluster.create',
    );

    // May create, may not read, update or delete: a policy may let a team
    // create what it then cannot see.
    const createOnly = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => ({
          result:
            r.permission.name === 'basalt.cluster.create'
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        })),
      authorizeConditional: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    });
    const { server } = await start(createOnly.factory);
    await request(server)
      .post('/api/basalt/clusters')
      .send(manifest('hidden'))
      .expect(201);

    const ref = '/api/basalt/clusters/payments/hidden';
    expect((await request(server).get('/api/basalt/clusters')).body).toEqual({
      items: [],
    });
    expect((await request(server).get(ref)).body.error.message).toBe(
      'Not allowed: basalt.cluster.read on EngineCluster payments/hidden',
    );
    expect((await request(server).get(`${ref}/events`)).status).toBe(403);
    expect((await request(server).delete(ref)).status).toBe(403);
    expect(
      (
        await request(server)
          .post('/api/basalt/clusters')
          .send(manifest('hidden', { replicas: 2 }))
      ).status,
    ).toBe(403);
  });

  it('creates a cluster only for an owner the caller could operate', async () => {
    // What an owner-scoped policy answers for the caller, a member of
    // payments-team: update only on clusters that team owns.
    const ownerScoped = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      authorizeConditional: async requests =>
        requests.map(r =>
          createBasaltClusterConditionalDecision(
            r.permission as ResourcePermission<'basalt-cluster'>,
            basaltClusterConditions.isClusterOwner({
              claims: ['user:default/mock', 'group:default/payments-team'],
            }),
          ),
        ),
    });
    const { server } = await start(ownerScoped.factory);
    const ownedBy = (name: string, owner: string) =>
      manifest(name, {}, { annotations: { [OWNER_ANNOTATION]: owner } });

    const theirs = await request(server)
      .post('/api/basalt/clusters')
      .send(ownedBy('theirs', 'group:default/orders-team'));
    expect(theirs.status).toBe(403);
    expect(theirs.body.error.message).toBe(
      'Not allowed: basalt.cluster.update on EngineCluster payments/theirs owned by group:default/orders-team; name a team you belong to as its owner',
    );
    expect((await request(server).get('/api/basalt/clusters')).body).toEqual({
      items: [],
    });

    await request(server)
      .post('/api/basalt/clusters')
      .send(ownedBy('ours', 'group:default/payments-team'))
      .expect(201);
  });

  it('requires credentials', async () => {
    const { server } = await start();
    const response = await request(server)
      .get('/api/basalt/clusters')
      .set('Authorization', mockCredentials.none.header());
    expect(response.status).toBe(401);
  });
});
