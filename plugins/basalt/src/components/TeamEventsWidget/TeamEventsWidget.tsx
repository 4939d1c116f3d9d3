import { useApi } from '@backstage/frontend-plugin-api';
import { Flex, Link, Skeleton, Text } from '@backstage/ui';
import { ClusterEvent, ClusterResource } from '@basalt/plugin-basalt-common';
import { basaltApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import {
  TEAM_REFRESH_INTERVAL_MS,
  useTeamClusters,
} from '../../hooks/useTeamClusters';
import { humanizeReason } from '../ClusterEventsCard';
import {
  ErrorAlert,
  formatTime,
  tableStyles as styles,
  TableHead,
} from '../common';
import { listRecentEvents } from './recentEvents';
import { useClusterEntityLink } from '../../hooks/useClusterEntityLink';

/** How many events the widget lists. */
const SHOWN_EVENTS = 10;

function EventRow(props: { event: ClusterEvent; href?: string }) {
  const { event, href } = props;
  const warning = event.type === 'Warning';
  return (
    <tr>
      <td style={{ ...styles.td, whiteSpace: 'nowrap' }}>
        {formatTime(event.timestamp)}
      </td>
      <td style={styles.td}>
        {href ? <Link href={href}>{event.cluster}</Link> : event.cluster}
      </td>
      <td style={styles.td}>
        <Text
          as="div"
          weight="bold"
          color={warning ? 'warning' : 'primary'}
          variant="body-small"
        >
          {warning ? '⚠ ' : ''}
          {humanizeReason(event.reason)}
        </Text>
        <Text as="div" variant="body-small" color="secondary">
          {event.message}
        </Text>
      </td>
    </tr>
  );
}

function EventsList(props: { clusters: ClusterResource[] }) {
  const api = useApi(basaltApiRef);
  const clusterLink = useClusterEntityLink();
  const { clusters } = props;
  const key = clusters.map(c => c.metadata.uid).join(',');
  const { value, error, loading, refresh } = usePolling(
    () => listRecentEvents(api, clusters, SHOWN_EVENTS),
    // The list is read again when the set of clusters changes, not when
    // their status does.
    [api, key],
    TEAM_REFRESH_INTERVAL_MS,
  );
  if (loading) return <Skeleton width="100%" height={96} />;
  if (!value) {
    return (
      <ErrorAlert
        title="Your team's database events could not be loaded"
        error={error ?? new Error('No answer')}
        onRetry={refresh}
      />
    );
  }
  if (value.length === 0) {
    return (
      <Text color="secondary">
        Nothing has happened to your team's databases yet. Creating, scaling,
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
      <table style={styles.table} aria-label="Recent events">
        <TableHead columns={['When', 'Database', 'What']} />
        <tbody>
          {value.map(event => {
            const [namespace, name] = event.cluster.split('/');
            return (
              <EventRow
                key={`${event.cluster}:${event.id}`}
                event={event}
                href={clusterLink({ namespace, name })}
              />
            );
          })}
        </tbody>
      </table>
    </Flex>
  );
}

/**
 * Home page widget: the latest events (creations, failovers, backups,
 * warnings) of the signed-in user's team's databases, newest first.
 */
export function TeamEventsWidget() {
  const { value, error, loading, refresh } = useTeamClusters();
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
        Your team owns no database yet, so there is nothing to report.
      </Text>
    );
  }
  return <EventsList clusters={value} />;
}
