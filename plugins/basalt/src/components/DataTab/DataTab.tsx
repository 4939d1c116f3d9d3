import { useEntity } from '@backstage/plugin-catalog-react';
import { Flex, Text } from '@backstage/ui';
import { clusterRefsOf, formatClusterRef } from '../../entity';
import { ClusterView } from './ClusterView';

/**
 * The "Data" entity tab: the full view of each of the entity's clusters
 * (databases, caches), one after the other.
 */
export function DataTab() {
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
          <ClusterView cluster={cluster} />
        </Flex>
      ))}
    </Flex>
  );
}
