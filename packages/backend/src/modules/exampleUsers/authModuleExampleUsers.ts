import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import {
  exampleUsersAuthenticator,
  ExampleUserResult,
} from './exampleUsersAuthenticator';

/**
 * The `exampleUsers` sign-in provider: the portal's example users of
 * different teams (examples/org.yaml), each signed in as their catalog
 * entity so that their teams come from the catalog.
 */
export const authModuleExampleUsers = createBackendModule({
  pluginId: 'auth',
  moduleId: 'example-users-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'exampleUsers',
          factory: createProxyAuthProviderFactory<ExampleUserResult>({
            authenticator: exampleUsersAuthenticator,
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({ entityRef: result.userEntityRef }),
          }),
        });
      },
    });
  },
});
