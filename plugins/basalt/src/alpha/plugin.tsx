import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { rootRouteRef } from '../routes';
import { basaltApi } from './apis';
import {
  clusterBackupsCard,
  clusterEventsCard,
  clusterHealthCard,
  clusterLogsCard,
} from './entityCards';
import { databaseEntityContent } from './entityContent';
import { basaltPage } from './pages';

/**
 * The Basalt frontend plugin (new frontend system): the Basalt page, the
 * cluster cards on entity pages and the "Data" entity tab.
 *
 * @public
 */
export const basaltPlugin = createFrontendPlugin({
  pluginId: 'basalt',
  extensions: [
    basaltApi,
    basaltPage,
    clusterHealthCard,
    clusterBackupsCard,
    clusterLogsCard,
    clusterEventsCard,
    databaseEntityContent,
  ],
  routes: { root: rootRouteRef },
});
