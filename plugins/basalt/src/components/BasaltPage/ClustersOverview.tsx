import { useApi } from '@backstage/frontend-plugin-api';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import {
  Card,
  CardBody,
  CardHeader,
  Flex,
  Link,
  Select,
  Skeleton,
  Text,
} from '@backstage/ui';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { useMemo, useState } from 'react';
import { basaltApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import {
  ErrorAlert,
  phaseOf,
  phaseReason,
  PHASES,
  readyCount,
  StatusText,
  tableStyles as styles,
  TableHead,
} from '../common';
import {
  choicesOf,
  ClusterFilters,
  filterClusters,
  ownerOf,
} from './filterClusters';
import { useClusterEntityLink } from '../../hooks/useClusterEntityLink';

const ANY = '*';
const FILTER_LABELS: Record<keyof ClusterFilters, string> = {
  namespace: 'Namespace',
  owner: 'Owner',
  engine: 'Engine',
  status: 'Status',
};

function ClusterRow(props: {
  cluster: ClusterResource;
  /** The catalog page of the cluster's Resource, when the catalog is there. */
  href?: string;
}) {
  const { cluster, href } = props;
  const { namespace, name } = cluster.metadata;
  const phase = PHASES[phaseOf(cluster)];
  const reason = phaseReason(cluster);
  return (
    <tr aria-label={`cluster ${namespace}/${name}`}>
      <td style={styles.td}>{href ? <Link href={href}>{name}</Link> : name}</td>
      <td style={styles.td}>{namespace}</td>
      <td style={styles.td}>
        <EntityDisplayName entityRef={ownerOf(cluster)} />
      </td>
      <td style={styles.td}>
        {cluster.spec.engine} {cluster.spec.version}
      </td>
      <td style={styles.td}>
        <StatusText tone={phase.tone}>{phase.label}</StatusText>
        {reason && (
          <Text as="div" variant="body-small" color="secondary">
            {reason}
          </Text>
        )}
      </td>
      <td style={styles.td}>
        {readyCount(cluster)} of {cluster.spec.replicas} ready
      </td>
    </tr>
  );
}

/** One choice per filter, each from the values the clusters have. */
function FilterBar(props: {
  clusters: ClusterResource[];
  filters: ClusterFilters;
  onChange: (filters: ClusterFilters) => void;
}) {
  const { clusters, filters, onChange } = props;
  return (
    <Flex gap="2" style={{ flexWrap: 'wrap' }}>
      {(Object.keys(FILTER_LABELS) as (keyof ClusterFilters)[]).map(key => (
        <Select
          key={key}
          label={FILTER_LABELS[key]}
          value={filters[key] ?? ANY}
          onChange={choice =>
            onChange({
              ...filters,
              [key]: choice === ANY ? undefined : String(choice),
            })
          }
          options={[
            { id: ANY, label: 'All' },
            ...choicesOf(clusters, key).map(id => ({ id, label: id })),
          ]}
        />
      ))}
    </Flex>
  );
}

function ClustersTable({ clusters }: { clusters: ClusterResource[] }) {
  const clusterLink = useClusterEntityLink();
  if (clusters.length === 0) {
    return (
      <Text color="secondary">
        No cluster matches these filters; set one back to All.
      </Text>
    );
  }
  return (
    <table style={styles.table} aria-label="Clusters">
      <TableHead
        columns={[
          'Name',
          'Namespace',
          'Owner',
          'Engine',
          'Status',
          'Instances',
        ]}
      />
      <tbody>
        {clusters.map(cluster => (
          <ClusterRow
            key={cluster.metadata.uid}
            cluster={cluster}
            href={clusterLink(cluster.metadata)}
          />
        ))}
      </tbody>
    </table>
  );
}

/** Every cluster the user may see, with their health, filterable. */
export function ClustersOverview() {
  const api = useApi(basaltApiRef);
  const { value, error, loading, refresh } = usePolling(
    () => api.listClusters(),
    [api],
  );
  const [filters, setFilters] = useState<ClusterFilters>({});
  const clusters = useMemo(() => value ?? [], [value]);
  const shown = useMemo(
    () => filterClusters(clusters, filters),
    [clusters, filters],
  );

  let body;
  if (loading) {
    body = <Skeleton width="100%" height={120} />;
  } else if (!value && error) {
    body = (
      <ErrorAlert
        title="The clusters could not be loaded"
        error={error}
        onRetry={refresh}
      />
    );
  } else if (clusters.length === 0) {
    body = (
      <Text color="secondary">
        You cannot see any database yet. Create one from the "PostgreSQL
        database" template on the Create page, or apply a manifest with the
        Basalt API.
      </Text>
    );
  } else {
    body = (
      <Flex direction="column" gap="3">
        <FilterBar
          clusters={clusters}
          filters={filters}
          onChange={setFilters}
        />
        <ClustersTable clusters={shown} />
      </Flex>
    );
  }
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Clusters{value ? ` (${shown.length} of ${clusters.length})` : ''}
        </Text>
      </CardHeader>
      <CardBody>{body}</CardBody>
    </Card>
  );
}
