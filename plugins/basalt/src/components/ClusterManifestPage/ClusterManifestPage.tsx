import {
  useApi,
  useRouteRef,
  useRouteRefParams,
} from '@backstage/frontend-plugin-api';
import {
  Button,
  Card,
  CardBody,
  CardHeader,
  Container,
  Flex,
  Link,
  Skeleton,
  Text,
} from '@backstage/ui';
import { ClusterRef } from '@basalt/plugin-basalt-common';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { basaltApiRef } from '../../api';
import { formatClusterRef } from '../../entity';
import { clusterManifestRouteRef, rootRouteRef } from '../../routes';
import { ErrorAlert } from '../common';
import { downloadText } from './downloadText';

/** The page at `/basalt/clusters/:namespace/:name/manifest`. */
export function ClusterManifestPage() {
  const { namespace, name } = useRouteRefParams(clusterManifestRouteRef);
  const basalt = useRouteRef(rootRouteRef);
  return (
    <Container>
      <Flex direction="column" gap="4">
        <ClusterManifest cluster={{ namespace, name }} />
        {basalt && <Link href={basalt()}>All clusters on the Basalt page</Link>}
      </Flex>
    </Container>
  );
}

/**
 * A cluster's manifest to commit (as the API answers it: what was applied,
 * without what the template and profile fill in, never credentials), with
 * Copy and Download (`<name>.yaml`).
 */
export function ClusterManifest({ cluster }: { cluster: ClusterRef }) {
  const api = useApi(basaltApiRef);
  const ref = formatClusterRef(cluster);
  const { value, error, loading, retry } = useAsyncRetry(
    () => api.getClusterManifest(cluster),
    [api, cluster.namespace, cluster.name],
  );
  const [copied, setCopied] = useState(false);
  let body;
  if (loading) {
    body = <Skeleton width="100%" height={240} />;
  } else if (value === undefined) {
    body = (
      <ErrorAlert
        title={`The manifest of ${ref} could not be loaded`}
        error={error ?? new Error('No answer')}
        onRetry={retry}
      />
    );
  } else {
    const fileName = `${cluster.name}.yaml`;
    body = (
      <Flex direction="column" gap="3">
        <Text as="p">
          Commit it to the service's repository (the golden templates put it at{' '}
          <code>databases/{fileName}</code>); applying it again changes nothing.
        </Text>
        <Flex gap="2">
          <Button
            variant="secondary"
            aria-label={`Copy the manifest of ${ref}`}
            onPress={async () => {
              await navigator.clipboard.writeText(value);
              setCopied(true);
            }}
          >
            {copied ? 'Copied' : 'Copy'}
          </Button>
          <Button
            variant="primary"
            aria-label={`Download the manifest of ${ref} as ${fileName}`}
            onPress={() => downloadText(value, fileName, 'application/yaml')}
          >
            Download {fileName}
          </Button>
        </Flex>
        <pre
          aria-label={`Manifest of ${ref}`}
          style={{
            margin: 0,
            padding: 12,
            // Wrapped rather than scrolled: every line readable without a
            // scrollbar to reach by keyboard.
            whiteSpace: 'pre-wrap',
            wordBreak: 'break-word',
            borderRadius: 4,
            border: '1px solid var(--bui-border-1)',
            background: 'var(--bui-bg-surface-2, transparent)',
            color: 'var(--bui-fg-primary)',
            fontSize: 'var(--bui-font-size-3)',
          }}
        >
          <code>{value}</code>
        </pre>
      </Flex>
    );
  }
  return (
    <Card>
      <CardHeader>
        <Text as="h2" variant="title-small">
          Manifest of {ref}
        </Text>
      </CardHeader>
      <CardBody>{body}</CardBody>
    </Card>
  );
}
