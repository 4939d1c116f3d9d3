import { useRouteRef } from '@backstage/frontend-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ClusterRef } from '@basalt/plugin-basalt-common';

/**
 * The link to a cluster's Resource page in the catalog, where the catalog
 * module publishes every cluster under its own namespace and name; no link
 * (undefined) in an app without the catalog's entity page.
 */
export function useClusterEntityLink(): (
  cluster: ClusterRef,
) => string | undefined {
  const entityRoute = useRouteRef(entityRouteRef);
  return ({ namespace, name }) =>
    entityRoute?.({ kind: 'resource', namespace, name });
}
