import { Entity } from '@backstage/catalog-model';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import { componentWith, databaseResource } from '../__testUtils__/clusters';
import { selectedTemplateRouteRef } from '../routes';
import { addDatabaseCard } from './entityCards';

describe('the "Add a database" card', () => {
  const filter = () =>
    createExtensionTester(addDatabaseCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;

  it('is on a Component without a Basalt database', () => {
    expect(filter()(componentWith())).toBe(true);
  });

  it.each<[string, Entity]>([
    ['a Component with a Basalt database', componentWith('payments/orders-db')],
    ['a database Resource', databaseResource],
    [
      'a System',
      { ...componentWith(), kind: 'System', spec: { owner: 'team' } },
    ],
  ])('is absent on %s', (_label, entity) => {
    expect(filter()(entity)).toBe(false);
  });

  it('links to the template in its config', async () => {
    const tester = createExtensionTester(addDatabaseCard, {
      config: { template: 'template:default/ephemeral-test-database' },
    });
    await renderInTestApp(
      <EntityProvider entity={componentWith()}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        mountedRoutes: {
          '/create/templates/:namespace/:templateName':
            selectedTemplateRouteRef,
        },
      },
    );

    expect(
      await screen.findByRole('link', { name: 'Add a database' }),
    ).toHaveAttribute(
      'href',
      expect.stringMatching(
        /^\/create\/templates\/default\/ephemeral-test-database\?formData=/,
      ),
    );
  });
});
