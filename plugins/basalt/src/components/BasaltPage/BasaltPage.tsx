import { Container, Flex, Text } from '@backstage/ui';
import { BackendHealthCard } from '../BackendHealthCard';

/**
 * The Basalt page: the state of Basalt in this portal. The page extension
 * renders the page header (title and icon), so this is only its content.
 */
export function BasaltPage() {
  return (
    <Container>
      <Flex direction="column" gap="4">
        <Text as="p" color="secondary">
          Self-service database clusters: PostgreSQL, MySQL and Redis, declared
          as code and kept at their declared state.
        </Text>
        <BackendHealthCard />
      </Flex>
    </Container>
  );
}
