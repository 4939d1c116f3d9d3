import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/** The portal's sign-in page, in place of the app's guest-only default. */
const exampleUsersSignInPage = SignInPageBlueprint.make({
  params: {
    loader: async () =>
      (await import('./ExampleUsersSignInPage')).ExampleUsersSignInPage,
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [exampleUsersSignInPage],
});
