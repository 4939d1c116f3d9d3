import { Container, Flex, Text } from '@backstage/ui';
import { BackendHealthCard } from '../BackendHealthCard';
import { ClustersOverview } from './ClustersOverview';
import { NodesOverview } from './NodesOverview';
import { PoolsOverview } from './PoolsOverview';

/**
 * The Basalt page: every cluster the user may see, the nodes they run on,
 * how full the nodes' volume pools are, and the state of Basalt itself.
 * The page extension renders the header.
 */
export function BasaltPage() {
  return (
    <Container>
      <Flex direction="column" gap="4">
        <Text as="p" color="secondary">
          Self-service data engine clusters, declared as code and kept at their
          declared state.
        </Text>
        <ClustersOverview />
        <NodesOverview />
        <PoolsOverview />
        <BackendHealthCard />
      </Flex>
    </Container>
  );
}
