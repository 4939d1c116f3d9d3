import { screen } from '@testing-library/react';
import { ClusterEvent } from '@basalt/plugin-basalt-common';
import { databaseResource } from '../../__testUtils__/clusters';
import { renderForEntity } from '../../__testUtils__/renderCard';
import { ClusterEventsCard, humanizeReason } from './ClusterEventsCard';

const event = (
  id: string,
  reason: string,
  message: string,
  type: ClusterEvent['type'] = 'Normal',
): ClusterEvent => ({
  id,
  cluster: 'payments/orders-db',
  type,
  reason,
  message,
  timestamp: '2026-11-24T10:00:00.000Z',
});

describe('ClusterEventsCard', () => {
  it('lists what happened, newest first as the API orders it', async () => {
    const listClusterEvents = jest
      .fn()
      .mockResolvedValue([
        event(
          '2',
          'InstanceExited',
          'orders-db-1 exited with code 1',
          'Warning',
        ),
        event('1', 'Created', 'Created 3 instances in 2.1 s'),
      ]);
    await renderForEntity(<ClusterEventsCard />, {
      entity: databaseResource,
      api: { listClusterEvents },
    });

    expect(await screen.findByText('⚠ Instance exited')).toBeInTheDocument();
    expect(
      screen.getByText('Created 3 instances in 2.1 s'),
    ).toBeInTheDocument();
    const rows = screen.getAllByRole('row');
    expect(rows[1]).toHaveTextContent('orders-db-1 exited with code 1');
    expect(rows[2]).toHaveTextContent('Created');
    expect(listClusterEvents).toHaveBeenCalledWith(
      { namespace: 'payments', name: 'orders-db' },
      { limit: 20 },
    );
  });

  it('says what will be listed when nothing has happened yet', async () => {
    await renderForEntity(<ClusterEventsCard />, {
      entity: databaseResource,
      api: { listClusterEvents: async () => [] },
    });

    expect(
      await screen.findByText(/Nothing has happened to this database yet/),
    ).toBeInTheDocument();
  });

  it('says the events could not be loaded and what to do', async () => {
    await renderForEntity(<ClusterEventsCard />, {
      entity: databaseResource,
      api: {
        listClusterEvents: async () => {
          throw new Error('Request failed with 502 Bad Gateway');
        },
      },
    });

    expect(
      await screen.findByText("The database's events could not be loaded"),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Check that the Basalt backend is running/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeVisible();
  });

  it('turns reasons into words', () => {
    expect(humanizeReason('ScaleRequested')).toBe('Scale requested');
    expect(humanizeReason('Created')).toBe('Created');
  });
});
