import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { rootRouteRef } from '../routes';
import { basaltApi } from './apis';
import { basaltPage } from './pages';

/**
 * The Basalt frontend plugin (new frontend system).
 *
 * @public
 */
export const basaltPlugin = createFrontendPlugin({
  pluginId: 'basalt',
  extensions: [basaltApi, basaltPage],
  routes: { root: rootRouteRef },
});
