import { Entity, RELATION_OWNED_BY } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { componentWith } from '../../__testUtils__/clusters';
import { selectedTemplateRouteRef } from '../../routes';
import { AddDatabaseCard, databaseFormData } from './AddDatabaseCard';

const ownedComponent: Entity = {
  ...componentWith(),
  metadata: { name: 'checkout', namespace: 'shop', title: 'Checkout' },
  relations: [
    { type: RELATION_OWNED_BY, targetRef: 'group:default/payments-team' },
  ],
};

const mountedRoutes = {
  '/create/templates/:namespace/:templateName': selectedTemplateRouteRef,
};

/** The form data a link carries, decoded. */
function formDataOf(href: string): unknown {
  const url = new URL(href, 'http://portal');
  return JSON.parse(url.searchParams.get('formData')!);
}

describe('AddDatabaseCard', () => {
  it('links to the golden template with the component and its owner filled in', async () => {
    await renderInTestApp(
      <EntityProvider entity={ownedComponent}>
        <AddDatabaseCard />
      </EntityProvider>,
      { mountedRoutes },
    );

    expect(
      screen.getByRole('heading', { name: 'Add a database' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/No database managed by Basalt serves Checkout yet/),
    ).toBeInTheDocument();
    const link = screen.getByRole('link', { name: 'Add a database' });
    const href = link.getAttribute('href')!;
    expect(href.split('?')[0]).toBe(
      '/create/templates/default/postgresql-database',
    );
    expect(formDataOf(href)).toEqual({
      component: 'component:shop/checkout',
      owner: 'group:default/payments-team',
    });
  });

  it('links to the configured template', async () => {
    await renderInTestApp(
      <EntityProvider entity={componentWith()}>
        <AddDatabaseCard template="template:platform/mariadb-database" />
      </EntityProvider>,
      { mountedRoutes },
    );

    const href = screen
      .getByRole('link', { name: 'Add a database' })
      .getAttribute('href')!;
    expect(href.split('?')[0]).toBe(
      '/create/templates/platform/mariadb-database',
    );
    // Without an owner relation, only the component is filled in.
    expect(formDataOf(href)).toEqual({
      component: 'component:default/payments-service',
    });
  });

  it('offers no link where the app has no scaffolder', async () => {
    await renderInTestApp(
      <EntityProvider entity={componentWith()}>
        <AddDatabaseCard />
      </EntityProvider>,
    );

    expect(
      screen.getByRole('heading', { name: 'Add a database' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });
});

describe('databaseFormData', () => {
  it("is the component's full ref", () => {
    expect(databaseFormData(componentWith())).toEqual({
      component: 'component:default/payments-service',
    });
  });
});
