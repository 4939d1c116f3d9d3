import { PageBlueprint } from '@backstage/frontend-plugin-api';
import StorageIcon from '@material-ui/icons/Storage';
import { clusterManifestRouteRef, rootRouteRef } from '../routes';

/** The Basalt page, listed in the sidebar. */
export const basaltPage = PageBlueprint.make({
  params: {
    path: '/basalt',
    routeRef: rootRouteRef,
    title: 'Basalt',
    icon: <StorageIcon fontSize="inherit" />,
    loader: () =>
      import('../components/BasaltPage').then(m => <m.BasaltPage />),
  },
});

/**
 * A cluster's manifest to commit, under the Basalt page; no sidebar entry
 * of its own (no title or icon), reached from the templates' output and
 * the Data tab.
 */
export const clusterManifestPage = PageBlueprint.make({
  name: 'cluster-manifest',
  params: {
    path: '/basalt/clusters/:namespace/:name/manifest',
    routeRef: clusterManifestRouteRef,
    loader: () =>
      import('../components/ClusterManifestPage').then(m => (
        <m.ClusterManifestPage />
      )),
  },
});
