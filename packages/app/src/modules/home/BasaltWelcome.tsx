import { Flex, Link, Text } from '@backstage/ui';

/**
 * The home page's welcome: what Basalt gives a team and where to start.
 * Every link stays in the portal.
 */
export function BasaltWelcome() {
  return (
    <Flex direction="column" gap="3">
      <Text as="p">
        Basalt runs your team's databases for you: pick a golden template,
        answer a few questions, and seconds later a PostgreSQL cluster — highly
        available and backed up if you ask — serves your service. Its manifest
        lives in your service's repository, and Basalt keeps the cluster at what
        it declares.
      </Text>
      <Text as="p">
        Your team's databases and their health are on this page. Each service's
        page in the <Link href="/catalog">catalog</Link> shows its databases'
        health, backups and logs; the <Link href="/basalt">Basalt page</Link>{' '}
        shows every cluster you may see and the nodes they run on.
      </Text>
      <Text as="p">
        New here? Read{' '}
        <Link href="/docs/default/component/basalt">
          the Basalt documentation
        </Link>
        , or add a database from <Link href="/create">Create</Link>.
      </Text>
    </Flex>
  );
}
