import { ConfigApi } from '@backstage/core-plugin-api';

/** One user the sign-in page offers. */
export interface ExampleUser {
  entityRef: string;
  title: string;
  description?: string;
}

/** The request header the `exampleUsers` provider reads. */
export const EXAMPLE_USER_HEADER = 'x-example-user';

/** `auth.providers.exampleUsers.users`, or none. */
export function readExampleUsers(config: ConfigApi): ExampleUser[] {
  return (
    config.getOptionalConfigArray('auth.providers.exampleUsers.users') ?? []
  ).map(user => ({
    entityRef: user.getString('entityRef'),
    title: user.getString('title'),
    description: user.getOptionalString('description'),
  }));
}

const REMEMBERED = 'basalt-portal/example-user';

/**
 * The user last signed in as in this browser, so that a reload signs in
 * again as the same user, as Backstage's own sign-in page does.
 */
export const rememberedUser = {
  get(): string | undefined {
    return window.localStorage.getItem(REMEMBERED) ?? undefined;
  },
  set(entityRef: string): void {
    window.localStorage.setItem(REMEMBERED, entityRef);
  },
  forget(): void {
    window.localStorage.removeItem(REMEMBERED);
  },
};
