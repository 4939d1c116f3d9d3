import { Flex, Link, Skeleton, Text } from '@backstage/ui';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { useTeamClusters } from '../../hooks/useTeamClusters';
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
import { useClusterEntityLink } from '../../hooks/useClusterEntityLink';

/**
 * Why a cluster is not healthy, in a sentence: the condition that explains
 * its phase, or else what the phase means; nothing for a running cluster
 * whose every declared instance is ready.
 */
export function unhealthyReason(cluster: ClusterResource): string | undefined {
  const phase = phaseOf(cluster);
  const healthy =
    phase === 'Running' && readyCount(cluster) >= cluster.spec.replicas;
  if (healthy) return undefined;
  return phaseReason(cluster) ?? PHASES[phase].meaning;
}

function ClusterRow(props: { cluster: ClusterResource; href?: string }) {
  const { cluster, href } = props;
  const { namespace, name } = cluster.metadata;
  const phase = PHASES[phaseOf(cluster)];
  const reason = unhealthyReason(cluster);
  const label = `${namespace}/${name}`;
  return (
    <tr aria-label={`database ${label}`}>
      <td style={styles.td}>
        {href ? <Link href={href}>{label}</Link> : label}
        <Text as="div" variant="body-small" color="secondary">
          {cluster.spec.engine} {cluster.spec.version}
        </Text>
      </td>
      <td style={styles.td}>
        <StatusText tone={phase.tone}>{phase.label}</StatusText>
        {reason && (
          <Text as="div" variant="body-small" color="secondary">
            {reason}
          </Text>
        )}
      </td>
      <td style={{ ...styles.td, whiteSpace: 'nowrap' }}>
        {readyCount(cluster)} of {cluster.spec.replicas} ready
      </td>
    </tr>
  );
}

/**
 * Home page widget: the databases of the signed-in user's team (the
 * clusters owned by the user or one of their groups) and their health, each
 * linking to its page in the catalog.
 */
export function TeamDatabasesWidget() {
  const { value, error, loading, refresh } = useTeamClusters();
  const clusterLink = useClusterEntityLink();

  if (loading) return <Skeleton width="100%" height={96} />;
  if (!value) {
    return (
      <ErrorAlert
        title="Your team's databases could not be loaded"
        error={error ?? new Error('No answer')}
        onRetry={refresh}
      />
    );
  }
  if (value.length === 0) {
    return (
      <Text color="secondary">
        Your team owns no database yet. Start from one of the golden templates:
        Basalt creates the cluster, keeps it at its declared state and shows its
        health here.
      </Text>
    );
  }
  return (
    <Flex direction="column" gap="2">
      {error && (
        <Text color="warning">
          Refreshing failed ({error.message}); showing the last known health.
        </Text>
      )}
      <table style={styles.table} aria-label="Your team's databases">
        <TableHead columns={['Database', 'Status', 'Instances']} />
        <tbody>
          {value.map(cluster => (
            <ClusterRow
              key={cluster.metadata.uid}
              cluster={cluster}
              href={clusterLink(cluster.metadata)}
            />
          ))}
        </tbody>
      </table>
    </Flex>
  );
}
