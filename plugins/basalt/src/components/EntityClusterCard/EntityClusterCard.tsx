import { useEntity } from '@backstage/plugin-catalog-react';
import { Card, CardBody, CardHeader, Flex, Select, Text } from '@backstage/ui';
import { ClusterRef } from '@basalt/plugin-basalt-common';
import { ReactNode, useMemo, useState } from 'react';
import { clusterRefsOf, formatClusterRef } from '../../entity';

/**
 * The frame of every Basalt entity card: a title, a choice of database when
 * the entity (a Component) has several, and the card's content for the
 * chosen one. Cards are only added where the entity has at least one.
 */
export function EntityClusterCard(props: {
  title: string;
  children: (cluster: ClusterRef) => ReactNode;
}) {
  const { entity } = useEntity();
  const clusters = useMemo(() => clusterRefsOf(entity), [entity]);
  const [chosen, setChosen] = useState(0);
  const cluster = clusters[Math.min(chosen, clusters.length - 1)];

  if (!cluster) {
    return null;
  }
  return (
    <Card>
      <CardHeader>
        <Flex justify="between" align="center" gap="3">
          <Flex direction="column" gap="1">
            <Text as="h2" variant="title-small">
              {props.title}
            </Text>
            {clusters.length === 1 && (
              <Text variant="body-small" color="secondary">
                {formatClusterRef(cluster)}
              </Text>
            )}
          </Flex>
          <Flex align="center" gap="2">
            {clusters.length > 1 && (
              <Select
                aria-label="Database"
                value={String(chosen)}
                onChange={key => setChosen(Number(key))}
                options={clusters.map((ref, index) => ({
                  id: String(index),
                  label: formatClusterRef(ref),
                }))}
              />
            )}
          </Flex>
        </Flex>
      </CardHeader>
      <CardBody>{props.children(cluster)}</CardBody>
    </Card>
  );
}
