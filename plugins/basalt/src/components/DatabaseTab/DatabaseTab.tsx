import { useEntity } from '@backstage/plugin-catalog-react';
import { Flex, Text } from '@backstage/ui';
import { clusterRefsOf, formatClusterRef } from '../../entity';
import { DatabaseView } from './DatabaseView';

/**
 * The "Database" entity tab: the full view of each of the entity's
 * databases, one after the other.
 */
export function DatabaseTab() {
  const { entity } = useEntity();
  const clusters = clusterRefsOf(entity);
  return (
    <Flex direction="column" gap="6">
      {clusters.map(cluster => (
        <Flex key={formatClusterRef(cluster)} direction="column" gap="3">
          {clusters.length > 1 && (
            <Text as="h2" variant="title-small">
              {formatClusterRef(cluster)}
            </Text>
          )}
          <DatabaseView cluster={cluster} />
        </Flex>
      ))}
    </Flex>
  );
}
