import { useEntity } from '@backstage/plugin-catalog-react';
import { Card, CardBody, CardHeader, Flex, Select, Text } from '@backstage/ui';
import { ClusterRef } from '@basalt/plugin-basalt-common';
import { ReactNode, useMemo, useState } from 'react';
import { clusterRefsOf, formatClusterRef } from '../../entity';
import {
  capitalized,
  ClusterKindProvider,
  useClusterKind,
} from '../../hooks/useClusterKind';

/**
 * The frame of every Basalt entity card: a title naming what the card shows
 * of the chosen cluster in its engine's words ("Database health", "Cache
 * health"), a choice of cluster when the entity (a Component) has several,
 * and the card's content for the chosen one, below which
 * `useClusterNoun` speaks of its kind. Cards are only added where the
 * entity has at least one.
 */
export function EntityClusterCard(props: {
  /** What the card shows, e.g. `health`. */
  aspect: string;
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
    <ChosenClusterCard
      {...props}
      cluster={cluster}
      clusters={clusters}
      chosen={chosen}
      onChoose={setChosen}
    />
  );
}

function ChosenClusterCard(props: {
  aspect: string;
  children: (cluster: ClusterRef) => ReactNode;
  cluster: ClusterRef;
  clusters: ClusterRef[];
  chosen: number;
  onChoose: (index: number) => void;
}) {
  const { cluster, clusters, chosen } = props;
  const kind = useClusterKind(cluster);
  const title = capitalized(kind ? `${kind} ${props.aspect}` : props.aspect);
  return (
    <Card>
      <CardHeader>
        <Flex justify="between" align="center" gap="3">
          <Flex direction="column" gap="1">
            <Text as="h2" variant="title-small">
              {title}
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
                aria-label="Cluster"
                value={String(chosen)}
                onChange={key => props.onChoose(Number(key))}
                options={clusters.map((ref, index) => ({
                  id: String(index),
                  label: formatClusterRef(ref),
                }))}
              />
            )}
          </Flex>
        </Flex>
      </CardHeader>
      <CardBody>
        <ClusterKindProvider kind={kind}>
          {props.children(cluster)}
        </ClusterKindProvider>
      </CardBody>
    </Card>
  );
}
