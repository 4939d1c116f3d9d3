import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { authModuleExampleUsers } from './authModuleExampleUsers';
import { EXAMPLE_USER_HEADER } from './exampleUsersAuthenticator';

const omar = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'omar', namespace: 'default' },
  spec: { memberOf: ['orders-team'] },
  relations: [{ type: 'memberOf', targetRef: 'group:default/orders-team' }],
};

async function startAuth(exampleUsers: object) {
  return startTestBackend({
    features: [
      authPlugin,
      authModuleExampleUsers,
      catalogServiceMock.factory({ entities: [omar] }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: { providers: { exampleUsers } },
        },
      }),
    ],
  });
}

const refresh = (server: any, user?: string) => {
  const call = request(server)
    .get('/api/auth/exampleUsers/refresh')
    .set('X-Requested-With', 'XMLHttpRequest');
  return user ? call.set(EXAMPLE_USER_HEADER, user) : call;
};

describe('the example users sign-in provider', () => {
  const users = [{ entityRef: 'user:default/omar', title: 'Omar' }];

  it('signs in as a configured example user, with its teams', async () => {
    const backend = await startAuth({
      users,
      // Jest runs in NODE_ENV=test, not development.
      dangerouslyAllowOutsideDevelopment: true,
    });
    try {
      const response = await refresh(backend.server, 'user:default/omar');
      expect(response.status).toBe(200);
      expect(response.body.backstageIdentity.identity).toEqual({
        type: 'user',
        userEntityRef: 'user:default/omar',
        ownershipEntityRefs: ['user:default/omar', 'group:default/orders-team'],
      });

      const stranger = await refresh(backend.server, 'user:default/admin');
      expect(stranger.status).toBe(401);
      expect(stranger.body.error.message).toBe(
        'x-example-user: name one of the example users: user:default/omar',
      );
      expect((await refresh(backend.server)).status).toBe(401);
    } finally {
      await backend.stop();
    }
  });

  it('signs in nobody outside development unless told to', async () => {
    const backend = await startAuth({ users });
    try {
      const response = await refresh(backend.server, 'user:default/omar');
      expect(response.status).toBe(403);
      expect(response.body.error.message).toContain('only in development');
    } finally {
      await backend.stop();
    }
  });
});
