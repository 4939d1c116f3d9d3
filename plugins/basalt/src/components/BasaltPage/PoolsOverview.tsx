import { useApi } from '@backstage/frontend-plugin-api';
import { Card, CardBody, CardHeader, Skeleton, Text } from '@backstage/ui';
import { basaltApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { ErrorAlert } from '../common';
import { PoolsChart } from '../PoolsChart';

/** How full each node's volume pools are, as a chart. */
export function PoolsOverview() {
  const api = useApi(basaltApiRef);
  const { value, error, loading, refresh } = usePolling(
    () => api.listPools(),
    [api],
  );
  let body;
  if (loading) {
    body = <Skeleton width="100%" height={120} />;
  } else if (!value) {
    body = (
      <ErrorAlert
        title="The volume pools could not be loaded"
        error={error ?? new Error('No answer')}
        onRetry={refresh}
      />
    );
  } else if (value.length === 0) {
    body = (
      <Text color="secondary">
        No volume pool is configured. A platform engineer lists them under
        basalt.volumePools in the backend's configuration.
      </Text>
    );
  } else {
    body = <PoolsChart pools={value} />;
  }
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Volume pools
        </Text>
      </CardHeader>
      <CardBody>{body}</CardBody>
    </Card>
  );
}
