import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import { BasaltApi, ClusterResource } from '@basalt/plugin-basalt-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { basaltApiRef } from '../../api';
import { clusterIn } from '../../__testUtils__/clusters';
import { TeamDatabasesWidget, unhealthyReason } from './TeamDatabasesWidget';

const TEAM = 'group:default/payments-team';
const ME = 'user:default/guest';

function named(cluster: ClusterResource, name: string): ClusterResource {
  return {
    ...cluster,
    metadata: { ...cluster.metadata, name, uid: `uid-${name}` },
  };
}

function render(listClusters: BasaltApi['listClusters']) {
  return renderInTestApp(<TeamDatabasesWidget />, {
    apis: [
      [basaltApiRef, { listClusters }],
      mockApis.identity({ userEntityRef: ME, ownershipEntityRefs: [ME, TEAM] }),
    ],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

describe('TeamDatabasesWidget', () => {
  it("lists the team's databases with their health, each linking to its page", async () => {
    const ready = named(clusterIn('ready'), 'orders-db');
    const degraded = named(clusterIn('degraded'), 'ledger-db');
    const listClusters = jest.fn(async ({ owner }: { owner?: string } = {}) =>
      // The user's own ref finds one of the team's clusters again: it is
      // listed once.
      owner === TEAM ? [ready, degraded] : [degraded],
    );
    await render(listClusters);

    const table = await screen.findByRole('table', {
      name: "Your team's databases",
    });
    expect(listClusters).toHaveBeenCalledWith({ owner: ME });
    expect(listClusters).toHaveBeenCalledWith({ owner: TEAM });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);

    // Sorted by namespace/name: ledger-db first.
    expect(rows[0]).toHaveTextContent('payments/ledger-db');
    expect(rows[0]).toHaveTextContent('Degraded');
    expect(rows[0]).toHaveTextContent(
      'orders-db-2 is not ready: it does not answer',
    );
    expect(rows[0]).toHaveTextContent('2 of 3 ready');

    expect(rows[1]).toHaveTextContent('Running');
    expect(rows[1]).toHaveTextContent('3 of 3 ready');
    expect(rows[1]).toHaveTextContent('postgresql 15');
    expect(
      within(rows[1]).getByRole('link', { name: 'payments/orders-db' }),
    ).toHaveAttribute('href', '/catalog/payments/resource/orders-db');
  });

  it('says how to get a first database when the team has none', async () => {
    await render(async () => []);

    expect(
      await screen.findByText(/Your team owns no database yet/),
    ).toBeInTheDocument();
  });

  it('says what failed, what to do, and loads again on request', async () => {
    const listClusters = jest
      .fn()
      .mockRejectedValueOnce(new Error('Failed to fetch'))
      .mockRejectedValueOnce(new Error('Failed to fetch'))
      .mockResolvedValue([clusterIn('ready')]);
    await render(listClusters);

    expect(
      await screen.findByText("Your team's databases could not be loaded"),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Check that the Basalt backend is running/),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('link', { name: 'payments/orders-db' }),
    ).toBeInTheDocument();
  });

  it('names a refusal as such', async () => {
    const refused = await ResponseError.fromResponse(
      new Response(JSON.stringify({ error: { message: 'denied' } }), {
        status: 403,
        statusText: 'Forbidden',
        headers: { 'Content-Type': 'application/json' },
      }),
    );
    await render(async () => {
      throw refused;
    });

    expect(
      await screen.findByText(/You are not allowed to see this cluster/),
    ).toBeInTheDocument();
  });
});

describe('unhealthyReason', () => {
  it('is silent for a running cluster with every instance ready', () => {
    expect(unhealthyReason(clusterIn('ready'))).toBeUndefined();
  });

  it('gives the condition that explains a failure', () => {
    expect(unhealthyReason(clusterIn('failed'))).toBe(
      'PostgreSQL 15 is not installed on this host',
    );
  });

  it('says what a phase without a telling condition means', () => {
    expect(unhealthyReason(clusterIn('pending'))).toBe(
      'Accepted; the controller has not started on it yet.',
    );
  });
});
