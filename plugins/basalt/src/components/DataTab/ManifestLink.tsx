import { useRouteRef } from '@backstage/frontend-plugin-api';
import { ButtonLink, Flex, Text } from '@backstage/ui';
import { ClusterRef } from '@basalt/plugin-basalt-common';
import { clusterManifestRouteRef } from '../../routes';

/**
 * Where the cluster's manifest to commit is, with Copy and Download; absent
 * when the app has not mounted the manifest page.
 */
export function ManifestLink({ cluster }: { cluster: ClusterRef }) {
  const manifestRoute = useRouteRef(clusterManifestRouteRef);
  if (!manifestRoute) return null;
  return (
    <Flex align="center" gap="3" style={{ flexWrap: 'wrap' }}>
      <Text>
        The manifest to keep in the service's repository, as it was applied.
      </Text>
      <ButtonLink
        href={manifestRoute({
          namespace: cluster.namespace,
          name: cluster.name,
        })}
        variant="secondary"
        size="small"
      >
        Open the manifest to commit
      </ButtonLink>
    </Flex>
  );
}
