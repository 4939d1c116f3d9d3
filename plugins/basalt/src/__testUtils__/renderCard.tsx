import { Entity } from '@backstage/catalog-model';
import { RouteRef } from '@backstage/frontend-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { BasaltApi } from '@basalt/plugin-basalt-common';
import { ReactElement } from 'react';
import { basaltApiRef } from '../api';
import { clusterIn, offeringsWith, readyConnections } from './clusters';

/**
 * Renders a card or tab for `entity` in a test app, with the given Basalt
 * API calls (offerings with PostgreSQL, and a ready PostgreSQL cluster and
 * how to connect to it, unless given) and permission
 * decision, and `mountedRoutes` (e.g. the catalog's entity route) for the
 * links it makes.
 */
export function renderForEntity(
  element: ReactElement,
  options: {
    entity: Entity;
    api: Partial<BasaltApi>;
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    mountedRoutes?: Record<string, RouteRef>;
  },
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [
          basaltApiRef,
          {
            getOfferings: async () => offeringsWith(),
            getCluster: async () => clusterIn('ready'),
            getConnections: async () => readyConnections,
            ...options.api,
          },
        ],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.permission ?? AuthorizeResult.ALLOW,
          }),
        ],
      ]}
    >
      <EntityProvider entity={options.entity}>{element}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: options.mountedRoutes },
  );
}
