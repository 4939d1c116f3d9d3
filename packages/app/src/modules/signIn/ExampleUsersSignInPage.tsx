import { useEffect, useState } from 'react';
import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
  WarningPanel,
} from '@backstage/core-components';
import { configApiRef, IdentityApi, useApi } from '@backstage/core-plugin-api';
import { SignInPageProps } from '@backstage/plugin-app-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  EXAMPLE_USER_HEADER,
  ExampleUser,
  readExampleUsers,
  rememberedUser,
} from './exampleUsers';

/**
 * Signing out forgets the user, so the next visit asks again instead of
 * signing in as the same user.
 */
function forgettingOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      rememberedUser.forget();
      await identity.signOut();
    },
  };
}

/**
 * A failed sign-in goes back to the choice, saying why: a user no longer
 * configured, or a backend outside development.
 */
function BackToChoice(props: { error?: Error; onBack(error?: Error): void }) {
  const { error, onBack } = props;
  useEffect(() => onBack(error), [error, onBack]);
  return null;
}

function UserCard(props: { user: ExampleUser; onChoose(): void }) {
  const { user, onChoose } = props;
  return (
    <InfoCard
      title={user.title}
      subheader={user.description}
      variant="fullHeight"
      actions={
        <Button variant="outlined" color="primary" onClick={onChoose}>
          Sign in as {user.title}
        </Button>
      }
    >
      <Typography variant="body2" color="textSecondary">
        {user.entityRef}
      </Typography>
    </InfoCard>
  );
}

/**
 * The portal's sign-in page: one card per example user of
 * `auth.providers.exampleUsers`, each signing in through the backend's
 * `exampleUsers` provider as that catalog user (with its teams), so that
 * what one team may do with another's databases can be tried.
 */
export function ExampleUsersSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const users = readExampleUsers(config);
  const [chosen, setChosen] = useState(() =>
    users.find(u => u.entityRef === rememberedUser.get()),
  );
  const [failure, setFailure] = useState<Error>();
  const back = (error?: Error) => {
    rememberedUser.forget();
    setChosen(undefined);
    setFailure(error);
  };

  if (chosen) {
    return (
      <ProxiedSignInPage
        provider="exampleUsers"
        headers={{ [EXAMPLE_USER_HEADER]: chosen.entityRef }}
        onSignInSuccess={identity => {
          rememberedUser.set(chosen.entityRef);
          props.onSignInSuccess(forgettingOnSignOut(identity));
        }}
        ErrorComponent={({ error }) => (
          <BackToChoice error={error} onBack={back} />
        )}
      />
    );
  }
  return (
    <Page themeId="home">
      <Header title={config.getString('app.title')} />
      <Content>
        <ContentHeader title="Sign in as an example user" />
        {failure && (
          <WarningPanel
            severity="error"
            title={`Could not sign in: ${failure.message}`}
          />
        )}
        <Grid container spacing={2}>
          {users.map(user => (
            <Grid item xs={12} sm={6} md={4} key={user.entityRef}>
              <UserCard user={user} onChoose={() => setChosen(user)} />
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
