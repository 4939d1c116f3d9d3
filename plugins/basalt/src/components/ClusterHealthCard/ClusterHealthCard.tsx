import { Alert, Flex, Skeleton } from '@backstage/ui';
import { ClusterRef } from '@basalt/plugin-basalt-common';
import { ErrorAlert } from '../common';
import { EntityClusterCard } from '../EntityClusterCard';
import { ClusterHealth } from './ClusterHealth';
import { useCluster } from './useCluster';
import { useClusterNoun } from '../../hooks/useClusterKind';

/** The health of one cluster, refreshed while shown. */
export function ClusterHealthPanel({ cluster }: { cluster: ClusterRef }) {
  const noun = useClusterNoun();
  const { value, error, loading, refresh } = useCluster(cluster);
  if (loading) {
    return <Skeleton width="100%" height={160} />;
  }
  if (!value) {
    return (
      <ErrorAlert
        title={`The ${noun}'s health could not be loaded`}
        error={error ?? new Error('No answer')}
        onRetry={refresh}
      />
    );
  }
  return (
    <Flex direction="column" gap="3">
      {error && (
        <Alert
          status="warning"
          icon
          title="Showing the last known health"
          description={`Refreshing failed: ${error.message}. It is retried every few seconds.`}
        />
      )}
      <ClusterHealth cluster={value} />
    </Flex>
  );
}

/** Entity card: the health of the entity's clusters. */
export function ClusterHealthCard() {
  return (
    <EntityClusterCard aspect="health">
      {cluster => <ClusterHealthPanel cluster={cluster} />}
    </EntityClusterCard>
  );
}
