import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import permissionPlugin from '@backstage/plugin-permission-backend';
import permissionModuleBasaltPolicy from '@basalt/plugin-permission-backend-module-basalt-policy';
import request from 'supertest';
import { MemoryBackend, startMemoryBackend } from '../__testUtils__/memory';
import { clientOf, untilReady } from '../__testUtils__/testBackend';

jest.setTimeout(30_000);

const ANA = 'user:default/ana';
const OMAR = 'user:default/omar';
const PAT = 'user:default/pat';

/** The teams of each user, as the catalog would resolve them at sign-in. */
const TEAMS: Record<string, string[]> = {
  [ANA]: ['group:default/payments-team'],
  [OMAR]: ['group:default/orders-team'],
  [PAT]: ['group:default/platform-team'],
};

/** Ownership refs per user, as a signed-in user's token carries them. */
const userInfoOfTeams = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const { userEntityRef } = (
        credentials as BackstageCredentials<BackstageUserPrincipal>
      ).principal;
      return {
        userEntityRef,
        ownershipEntityRefs: [userEntityRef, ...(TEAMS[userEntityRef] ?? [])],
      };
    },
  }),
});

/**
 * Backstage's mock auth, except that a plugin's request on behalf of a user
 * carries the plugin as its actor, as real on-behalf-of tokens do: the
 * permission backend refuses a user's conditional request without one.
 */
const authWithActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory: ({ plugin }) => {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    return Object.assign(Object.create(auth), {
      async getPluginRequestToken(options: {
        onBehalfOf: BackstageCredentials;
        targetPluginId: string;
      }) {
        const principal = options.onBehalfOf.principal as
          | BackstageUserPrincipal
          | { type: 'service' | 'none' };
        if (principal.type !== 'user') {
          return auth.getPluginRequestToken(options);
        }
        return {
          token: mockCredentials.user.token(principal.userEntityRef, {
            actor: { subject: `plugin:${plugin.getId()}` },
          }),
        };
      },
    }) as AuthService;
  },
});

/*
 * Basalt's owner-scoped policy in the real permission backend: members of
 * the owning team operate their cluster, other teams see it and nothing
 * more, administrators do everything.
 */
describe("Basalt's owner-scoped permission policy", () => {
  let memory: MemoryBackend;
  let server: MemoryBackend['backend']['server'];
  const cluster = '/api/basalt/clusters/payments/ledger';
  const as = (user: string) => mockCredentials.user.header(user);

  beforeAll(async () => {
    memory = await startMemoryBackend({
      nodes: ['node-a', 'node-b'],
      config: { permission: { enabled: true } },
      basalt: {
        permissions: { administrators: ['group:default/platform-team'] },
      },
      features: [
        permissionPlugin,
        permissionModuleBasaltPolicy,
        permissionsServiceFactory,
        userInfoOfTeams,
        authWithActors,
      ],
    });
    server = memory.backend.server;
    await request(server)
      .post('/api/basalt/clusters')
      .set('Authorization', as(ANA))
      .send({
        apiVersion: 'basalt.dev/v1alpha1',
        kind: 'EngineCluster',
        metadata: { namespace: 'payments', name: 'ledger' },
        spec: {
          engine: 'memory',
          replicas: 2,
          terminationPolicy: 'Delete',
          databases: ['ledger'],
          accounts: [{ name: 'app', databases: ['ledger'] }],
        },
      })
      .expect(201);
    await untilReady(
      clientOf(server),
      { namespace: 'payments', name: 'ledger' },
      2,
    );
  });

  afterAll(() => memory?.stop());

  it("gives a new cluster to its creator's team", async () => {
    const response = await request(server)
      .get(cluster)
      .set('Authorization', as(ANA));
    expect(response.body.metadata.annotations['basalt.dev/owner']).toBe(
      'group:default/payments-team',
    );
  });

  it('lets the owning team reveal a password and restart', async () => {
    const reveal = await request(server)
      .post(`${cluster}/accounts/app/password`)
      .set('Authorization', as(ANA));
    expect(reveal.status).toBe(200);
    const restart = await request(server)
      .post(`${cluster}/restart`)
      .set('Authorization', as(ANA));
    expect(restart.status).toBe(202);
  });

  it('shows another team the cluster and lets it do nothing more', async () => {
    const list = await request(server)
      .get('/api/basalt/clusters')
      .set('Authorization', as(OMAR));
    expect(list.body.items.map((c: any) => c.metadata.name)).toEqual([
      'ledger',
    ]);

    const reveal = await request(server)
      .post(`${cluster}/accounts/app/password`)
      .set('Authorization', as(OMAR));
    expect(reveal.status).toBe(403);
    expect(reveal.body.error.message).toBe(
      'Not allowed: basalt.cluster.credentials.read on EngineCluster payments/ledger',
    );
    for (const attempt of [
      request(server).post(`${cluster}/scale`).send({ replicas: 3 }),
      request(server).post(`${cluster}/restart`),
      request(server).post(`${cluster}/backups`),
      request(server).delete(cluster),
    ]) {
      expect((await attempt.set('Authorization', as(OMAR))).status).toBe(403);
    }
  });

  it('refuses to create a cluster for a team the caller is not in', async () => {
    const response = await request(server)
      .post('/api/basalt/clusters')
      .set('Authorization', as(OMAR))
      .send({
        apiVersion: 'basalt.dev/v1alpha1',
        kind: 'EngineCluster',
        metadata: {
          namespace: 'payments',
          name: 'planted',
          annotations: { 'basalt.dev/owner': 'group:default/payments-team' },
        },
        spec: { engine: 'memory', terminationPolicy: 'Delete' },
      });
    expect(response.status).toBe(403);
    expect(response.body.error.message).toContain(
      'owned by group:default/payments-team',
    );
  });

  it('lets an administrator do everything', async () => {
    const reveal = await request(server)
      .post(`${cluster}/accounts/app/password`)
      .set('Authorization', as(PAT));
    expect(reveal.status).toBe(200);
    const deletion = await request(server)
      .delete(cluster)
      .set('Authorization', as(PAT));
    expect(deletion.status).toBe(202);
  });
});
