import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import { createProxyAuthenticator } from '@backstage/plugin-auth-node';

/** The request header naming the example user to sign in as. */
export const EXAMPLE_USER_HEADER = 'x-example-user';

/** Who signs in: one of the configured example users. */
export interface ExampleUserResult {
  userEntityRef: string;
}

/**
 * Signs in as one of the example users in `auth.providers.exampleUsers`,
 * named by the {@link EXAMPLE_USER_HEADER} header. Like Backstage's guest
 * provider it proves nothing about who asks, so it works only in
 * development unless `dangerouslyAllowOutsideDevelopment` is set: it exists
 * so that the boundaries between teams can be tried on the embedded
 * default.
 */
export const exampleUsersAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async () => ({ profile: {} }),
  initialize({ config }) {
    return {
      enabled:
        process.env.NODE_ENV === 'development' ||
        config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') ===
          true,
      users: config
        .getConfigArray('users')
        .map(user => user.getString('entityRef')),
    };
  },
  async authenticate({ req }, { enabled, users }) {
    if (!enabled) {
      throw new NotAllowedError(
        "The example users sign in only in development, unless 'auth.providers.exampleUsers.dangerouslyAllowOutsideDevelopment' is set",
      );
    }
    const userEntityRef = req.header(EXAMPLE_USER_HEADER);
    if (!userEntityRef || !users.includes(userEntityRef)) {
      throw new AuthenticationError(
        `${EXAMPLE_USER_HEADER}: name one of the example users: ${users.join(
          ', ',
        )}`,
      );
    }
    return { result: { userEntityRef } };
  },
});
