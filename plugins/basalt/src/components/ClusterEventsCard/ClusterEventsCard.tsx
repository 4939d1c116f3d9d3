import { useApi } from '@backstage/frontend-plugin-api';
import { Flex, Skeleton, Text } from '@backstage/ui';
import { ClusterEvent, ClusterRef } from '@basalt/plugin-basalt-common';
import { basaltApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import {
  ErrorAlert,
  formatTime,
  tableStyles as styles,
  TableHead,
} from '../common';
import { EntityClusterCard } from '../EntityClusterCard';
import { useClusterNoun } from '../../hooks/useClusterKind';

/** `InstanceRestarted` → `Instance restarted`. */
export function humanizeReason(reason: string): string {
  const words = reason.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function EventsTable({ events }: { events: ClusterEvent[] }) {
  return (
    <table style={styles.table} aria-label="Events">
      <TableHead columns={['When', 'What', 'Details']} />
      <tbody>
        {events.map(event => (
          <tr key={event.id}>
            <td style={{ ...styles.td, whiteSpace: 'nowrap' }}>
              {formatTime(event.timestamp)}
            </td>
            <td
              style={{
                ...styles.td,
                fontWeight: 600,
                color:
                  event.type === 'Warning'
                    ? 'var(--bui-fg-warning)'
                    : 'var(--bui-fg-primary)',
              }}
            >
              {event.type === 'Warning' ? '⚠ ' : ''}
              {humanizeReason(event.reason)}
            </td>
            <td style={styles.td}>{event.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The operation history of one cluster, newest first, kept current. */
export function ClusterEventsPanel(props: {
  cluster: ClusterRef;
  limit?: number;
}) {
  const api = useApi(basaltApiRef);
  const { cluster, limit = 20 } = props;
  const noun = useClusterNoun();
  const { value, error, loading, refresh } = usePolling(
    () => api.listClusterEvents(cluster, { limit }),
    [api, cluster.namespace, cluster.name, limit],
  );
  if (loading) return <Skeleton width="100%" height={120} />;
  if (!value) {
    return (
      <ErrorAlert
        title={`The ${noun}'s events could not be loaded`}
        error={error ?? new Error('No answer')}
        onRetry={refresh}
      />
    );
  }
  if (value.length === 0) {
    return (
      <Text color="secondary">
        Nothing has happened to this {noun} yet. Creating, scaling, restarting,
        failovers and backups are listed here as they happen.
      </Text>
    );
  }
  return (
    <Flex direction="column" gap="2">
      {error && (
        <Text color="warning">
          Refreshing failed ({error.message}); showing the last known events.
        </Text>
      )}
      <EventsTable events={value} />
    </Flex>
  );
}

/** Entity card: what happened to the entity's clusters. */
export function ClusterEventsCard() {
  return (
    <EntityClusterCard aspect="events">
      {cluster => <ClusterEventsPanel cluster={cluster} />}
    </EntityClusterCard>
  );
}
