import { useApi } from '@backstage/frontend-plugin-api';
import {
  Card,
  CardBody,
  CardHeader,
  Flex,
  Skeleton,
  Text,
} from '@backstage/ui';
import { NodeSummary } from '@basalt/plugin-basalt-common';
import { basaltApiRef } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { ErrorAlert, StatusText } from '../common';

function NodeCard({ node }: { node: NodeSummary }) {
  return (
    <Flex
      direction="column"
      gap="2"
      aria-label={`node ${node.name}`}
      style={{
        border: '1px solid var(--bui-border-1)',
        borderRadius: 6,
        padding: 12,
        minWidth: 220,
        flex: '1 1 220px',
      }}
    >
      <Flex justify="between" align="center">
        <Text weight="bold">{node.name}</Text>
        <StatusText tone={node.ready ? 'success' : 'danger'}>
          {node.ready ? 'Ready' : 'Not ready'}
        </StatusText>
      </Flex>
      <Text variant="body-small" color="secondary">
        {node.runtime} runtime · {node.instances.length} instance(s)
      </Text>
      {node.instances.length === 0 ? (
        <Text variant="body-small" color="secondary">
          Nothing you can see runs here.
        </Text>
      ) : (
        node.instances.map(instance => (
          <Flex key={instance.instance} justify="between" gap="2">
            <Text variant="body-small">
              {instance.instance}{' '}
              <Text as="span" variant="body-small" color="secondary">
                ({instance.engine} {instance.role})
              </Text>
            </Text>
            <Text
              variant="body-small"
              color={instance.ready ? 'success' : 'danger'}
            >
              {instance.ready ? 'ready' : 'not ready'}
            </Text>
          </Flex>
        ))
      )}
    </Flex>
  );
}

/** The runtime's nodes and what runs on each. */
export function NodesOverview() {
  const api = useApi(basaltApiRef);
  const { value, error, loading, refresh } = usePolling(
    () => api.listNodes(),
    [api],
  );
  let body;
  if (loading) {
    body = <Skeleton width="100%" height={100} />;
  } else if (!value) {
    body = (
      <ErrorAlert
        title="The nodes could not be loaded"
        error={error ?? new Error('No answer')}
        onRetry={refresh}
      />
    );
  } else if (value.length === 0) {
    body = (
      <Text color="secondary">
        The runtime has no nodes. A platform engineer lists them under
        basalt.runtimes in the backend's configuration.
      </Text>
    );
  } else {
    body = (
      <Flex gap="3" style={{ flexWrap: 'wrap' }}>
        {value.map(node => (
          <NodeCard key={node.name} node={node} />
        ))}
      </Flex>
    );
  }
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Nodes
        </Text>
      </CardHeader>
      <CardBody>{body}</CardBody>
    </Card>
  );
}
