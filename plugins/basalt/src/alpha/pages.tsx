import { PageBlueprint } from '@backstage/frontend-plugin-api';
import StorageIcon from '@material-ui/icons/Storage';
import { rootRouteRef } from '../routes';

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
