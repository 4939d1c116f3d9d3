import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  BasaltApi,
  ClusterEvent,
  ClusterResource,
} from '@basalt/plugin-basalt-common';
import { screen, within } from '@testing-library/react';
import { basaltApiRef } from '../../api';
import { ago } from '../../__testUtils__/backups';
import { clusterIn } from '../../__testUtils__/clusters';
import { TeamEventsWidget } from './TeamEventsWidget';

const TEAM = 'group:default/payments-team';

function named(name: string): ClusterResource {
  const cluster = clusterIn('ready');
  return {
    ...cluster,
    metadata: { ...cluster.metadata, name, uid: `uid-${name}` },
  };
}

const event = (
  cluster: string,
  id: string,
  minutesAgo: number,
  reason: string,
  message: string,
  type: ClusterEvent['type'] = 'Normal',
): ClusterEvent => ({
  id,
  cluster,
  type,
  reason,
  message,
  timestamp: ago(minutesAgo),
});

function render(api: Partial<BasaltApi>) {
  return renderInTestApp(<TeamEventsWidget />, {
    apis: [
      [basaltApiRef, api],
      mockApis.identity({ ownershipEntityRefs: [TEAM] }),
    ],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

describe('TeamEventsWidget', () => {
  it("merges the team's clusters' events, newest first", async () => {
    const events: Record<string, ClusterEvent[]> = {
      'orders-db': [
        event('payments/orders-db', '3', 1, 'BackupCompleted', 'Backup b-1'),
        event('payments/orders-db', '1', 30, 'Created', 'Created 3 instances'),
      ],
      'ledger-db': [
        event(
          'payments/ledger-db',
          '2',
          5,
          'FailoverCompleted',
          'Promoted ledger-db-1 to primary',
          'Warning',
        ),
      ],
    };
    const listClusterEvents = jest.fn(async ({ name }) => events[name]);
    await render({
      listClusters: async () => [named('orders-db'), named('ledger-db')],
      listClusterEvents,
    });

    const table = await screen.findByRole('table', { name: 'Recent events' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(row => row.textContent)).toEqual([
      expect.stringContaining('Backup completed'),
      expect.stringContaining('⚠ Failover completed'),
      expect.stringContaining('Created 3 instances'),
    ]);
    expect(
      within(rows[1]).getByRole('link', { name: 'payments/ledger-db' }),
    ).toHaveAttribute('href', '/catalog/payments/resource/ledger-db');
    expect(listClusterEvents).toHaveBeenCalledWith(
      { namespace: 'payments', name: 'ledger-db' },
      { limit: 10 },
    );
  });

  it('keeps showing the events it could read when one cluster fails', async () => {
    await render({
      listClusters: async () => [named('orders-db'), named('gone-db')],
      listClusterEvents: async ({ name }) => {
        if (name === 'gone-db') throw new Error('Not found');
        return [event('payments/orders-db', '1', 2, 'Created', 'Created')];
      },
    });

    expect(
      await screen.findByRole('link', { name: 'payments/orders-db' }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/could not be loaded/)).not.toBeInTheDocument();
  });

  it('says so when nothing has happened yet', async () => {
    await render({
      listClusters: async () => [named('orders-db')],
      listClusterEvents: async () => [],
    });

    expect(
      await screen.findByText(/Nothing has happened to your team's databases/),
    ).toBeInTheDocument();
  });

  it('says so when the team has no database', async () => {
    const listClusterEvents = jest.fn();
    await render({ listClusters: async () => [], listClusterEvents });

    expect(
      await screen.findByText(/Your team owns no database yet/),
    ).toBeInTheDocument();
    expect(listClusterEvents).not.toHaveBeenCalled();
  });

  it('says what failed when no event can be read', async () => {
    await render({
      listClusters: async () => [named('orders-db')],
      listClusterEvents: async () => {
        throw new Error('Failed to fetch');
      },
    });

    expect(
      await screen.findByText(
        "Your team's database events could not be loaded",
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Try again' }),
    ).toBeInTheDocument();
  });

  it('says what failed when the clusters cannot be read', async () => {
    await render({
      listClusters: async () => {
        throw new Error('Failed to fetch');
      },
    });

    expect(
      await screen.findByText("Your team's databases could not be loaded"),
    ).toBeInTheDocument();
  });
});
