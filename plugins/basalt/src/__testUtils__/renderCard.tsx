import { Entity } from '@backstage/catalog-model';
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

/**
 * Renders a card or tab for `entity` in a test app, with the given Basalt
 * API calls and permission decision.
 */
export function renderForEntity(
  element: ReactElement,
  options: {
    entity: Entity;
    api: Partial<BasaltApi>;
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  },
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [basaltApiRef, options.api],
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
  );
}
