import { useApi } from '@backstage/frontend-plugin-api';
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Skeleton,
  Text,
} from '@backstage/ui';
import { HealthCheckResult } from '@basalt/plugin-basalt-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { basaltApiRef } from '../../api';

function CheckRow({ check }: { check: HealthCheckResult }) {
  const passed = check.status === 'pass';
  return (
    <Flex justify="between" align="center" aria-label={`check ${check.name}`}>
      <Flex direction="column" gap="1">
        <Text weight="bold">{check.name}</Text>
        <Text variant="body-small" color="secondary">
          {check.message}
        </Text>
      </Flex>
      <Text color={passed ? 'success' : 'danger'} weight="bold">
        {passed ? 'Passing' : 'Failing'} · {check.durationMs} ms
      </Text>
    </Flex>
  );
}

/**
 * Shows whether the Basalt backend is up and each of its health checks,
 * with a way to check again.
 */
export function BackendHealthCard() {
  const basaltApi = useApi(basaltApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => basaltApi.getHealth(),
    [basaltApi],
  );

  const refresh = (
    <Button
      variant="secondary"
      size="small"
      onPress={retry}
      isDisabled={loading}
    >
      Check again
    </Button>
  );

  let body;
  if (error) {
    body = (
      <Alert
        status="danger"
        icon
        title="The Basalt backend could not be reached"
        description={`${error.message}. Check that the backend is running (yarn start) and that the basalt plugin is installed in packages/backend.`}
      />
    );
  } else if (!value) {
    body = <Skeleton width="100%" height={64} />;
  } else {
    const failing = value.checks.filter(c => c.status === 'fail').length;
    body = (
      <Flex direction="column" gap="3">
        {value.status === 'ok' ? (
          <Alert status="success" icon title="The Basalt backend is healthy" />
        ) : (
          <Alert
            status="danger"
            icon
            title={`The Basalt backend is failing: ${failing} of ${value.checks.length} checks fail`}
          />
        )}
        {value.checks.map(check => (
          <CheckRow key={check.name} check={check} />
        ))}
      </Flex>
    );
  }

  return (
    <Card>
      <CardHeader>
        <Flex justify="between" align="center">
          <Text as="h2" variant="title-small">
            Backend
          </Text>
          {refresh}
        </Flex>
      </CardHeader>
      <CardBody>{body}</CardBody>
    </Card>
  );
}
