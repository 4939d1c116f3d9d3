import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { selectedTemplateRouteRef } from '../../routes';
import { GoldenTemplatesWidget } from './GoldenTemplatesWidget';

const template = (name: string, title: string, tags: string[]): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name,
    namespace: 'default',
    title,
    description: `${title}, described`,
    tags,
  },
  spec: { type: 'database' },
});

const entities = [
  template('postgresql-database', 'PostgreSQL database', ['basalt']),
  template('ephemeral-test-database', 'Ephemeral test database', [
    'basalt',
    'ci',
  ]),
  template('react-app', 'React app', ['website']),
];

const mountedRoutes = {
  '/create/templates/:namespace/:templateName': selectedTemplateRouteRef,
};

describe('GoldenTemplatesWidget', () => {
  it("lists the catalog's Basalt templates, each linking to its form", async () => {
    await renderInTestApp(<GoldenTemplatesWidget />, {
      apis: [catalogApiMock({ entities })],
      mountedRoutes,
    });

    const list = await screen.findByRole('list', { name: 'Golden templates' });
    const links = within(list).getAllByRole('link');
    expect(links.map(link => link.textContent)).toEqual([
      'Ephemeral test database',
      'PostgreSQL database',
    ]);
    expect(links[1]).toHaveAttribute(
      'href',
      '/create/templates/default/postgresql-database',
    );
    expect(
      screen.getByText('PostgreSQL database, described'),
    ).toBeInTheDocument();
    expect(screen.queryByText('React app')).not.toBeInTheDocument();
  });

  it('lists the templates of another tag when told', async () => {
    await renderInTestApp(<GoldenTemplatesWidget tag="ci" />, {
      apis: [catalogApiMock({ entities })],
      mountedRoutes,
    });

    const list = await screen.findByRole('list', { name: 'Golden templates' });
    expect(within(list).getAllByRole('link')).toHaveLength(1);
  });

  it('names the titles without links when the app has no scaffolder', async () => {
    await renderInTestApp(<GoldenTemplatesWidget />, {
      apis: [catalogApiMock({ entities })],
    });

    expect(await screen.findByText('PostgreSQL database')).toBeInTheDocument();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });

  it('says how to register them when the catalog has none', async () => {
    await renderInTestApp(<GoldenTemplatesWidget />, {
      apis: [catalogApiMock({ entities: [] })],
      mountedRoutes,
    });

    expect(
      await screen.findByText(/No template tagged "basalt" is in the catalog/),
    ).toBeInTheDocument();
  });

  it('says what failed when the catalog cannot be read', async () => {
    await renderInTestApp(<GoldenTemplatesWidget />, {
      apis: [
        catalogApiMock.mock({
          getEntities: jest
            .fn()
            .mockRejectedValue(new Error('Failed to fetch')),
        }),
      ],
      mountedRoutes,
    });

    expect(
      await screen.findByText('The golden templates could not be loaded'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Try again' }),
    ).toBeInTheDocument();
  });
});
