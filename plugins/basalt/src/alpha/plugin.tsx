import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import {
  clusterManifestRouteRef,
  rootRouteRef,
  selectedTemplateRouteRef,
} from '../routes';
import { basaltApi } from './apis';
import {
  addDatabaseCard,
  clusterBackupsCard,
  clusterEventsCard,
  clusterHealthCard,
  clusterLogsCard,
} from './entityCards';
import { databaseEntityContent } from './entityContent';
import {
  goldenTemplatesWidget,
  teamDatabasesWidget,
  teamEventsWidget,
} from './homePageWidgets';
import { basaltPage, clusterManifestPage } from './pages';

/**
 * The Basalt frontend plugin (new frontend system): the Basalt page, the
 * cluster cards on entity pages and the "Data" entity tab, the "Add a
 * database" card on Components without one, and home page widgets (the
 * team's databases, their recent events, the golden templates).
 *
 * @public
 */
export const basaltPlugin = createFrontendPlugin({
  pluginId: 'basalt',
  // The header of its pages without a title of their own (the manifest page).
  title: 'Basalt',
  extensions: [
    basaltApi,
    basaltPage,
    clusterManifestPage,
    clusterHealthCard,
    clusterBackupsCard,
    clusterLogsCard,
    clusterEventsCard,
    databaseEntityContent,
    addDatabaseCard,
    teamDatabasesWidget,
    teamEventsWidget,
    goldenTemplatesWidget,
  ],
  routes: { root: rootRouteRef, clusterManifest: clusterManifestRouteRef },
  externalRoutes: { selectedTemplate: selectedTemplateRouteRef },
});
