import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Skeleton,
  Text,
} from '@backstage/ui';
import { ClusterRef } from '@basalt/plugin-basalt-common';
import { ReactNode } from 'react';
import { formatClusterRef } from '../../entity';
import { ClusterBackupsPanel } from '../ClusterBackupsCard';
import { ClusterEventsPanel } from '../ClusterEventsCard';
import { ClusterHealth, useCluster } from '../ClusterHealthCard';
import { ClusterLogsPanel } from '../ClusterLogsCard';
import { ErrorAlert } from '../common';
import { ClusterOperations } from './ClusterOperations';
import { ManifestLink } from './ManifestLink';
import {
  ClusterKindProvider,
  useClusterKind,
} from '../../hooks/useClusterKind';

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader>
        <Text as="h3" variant="title-x-small">
          {props.title}
        </Text>
      </CardHeader>
      <CardBody>{props.children}</CardBody>
    </Card>
  );
}

/**
 * Everything about one cluster, with the operations the user may run, in
 * its engine's words.
 */
export function ClusterView({ cluster }: { cluster: ClusterRef }) {
  return (
    <ClusterKindProvider kind={useClusterKind(cluster)}>
      <ClusterSections cluster={cluster} />
    </ClusterKindProvider>
  );
}

function ClusterSections({ cluster }: { cluster: ClusterRef }) {
  const { value, error, loading, refresh } = useCluster(cluster);
  if (loading) return <Skeleton width="100%" height={240} />;
  if (!value) {
    return (
      <ErrorAlert
        title={`${formatClusterRef(cluster)} could not be loaded`}
        error={error ?? new Error('No answer')}
        onRetry={refresh}
      />
    );
  }
  return (
    <Flex direction="column" gap="4">
      {error && (
        <Alert
          status="warning"
          icon
          title="Showing the last known state"
          description={`Refreshing failed: ${error.message}. It is retried every few seconds.`}
        />
      )}
      <Section title="Health">
        <ClusterHealth cluster={value} />
      </Section>
      <Section title="Operations">
        <ClusterOperations cluster={value} onChanged={refresh} />
      </Section>
      <Section title="Manifest">
        <ManifestLink cluster={cluster} />
      </Section>
      {/* Full width each: the backups table's actions (Restore…) are
          its last column, cut off in half a 1440 px page. */}
      <Section title="Backups">
        <ClusterBackupsPanel cluster={cluster} />
      </Section>
      <Section title="Events">
        <ClusterEventsPanel cluster={cluster} limit={50} />
      </Section>
      <Section title="Logs">
        <ClusterLogsPanel cluster={cluster} />
      </Section>
    </Flex>
  );
}
