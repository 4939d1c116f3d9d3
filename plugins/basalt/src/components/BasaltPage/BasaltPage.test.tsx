import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { BasaltApi, NodeSummary } from '@basalt/plugin-basalt-common';
import { basaltApiRef } from '../../api';
import { clusterIn } from '../../__testUtils__/clusters';
import { poolStatus } from '../PoolsChart/testPools';
import { BasaltPage } from './BasaltPage';

const ready = clusterIn('ready');
const degraded = {
  ...clusterIn('degraded'),
  metadata: {
    ...clusterIn('degraded').metadata,
    namespace: 'shop',
    name: 'carts-db',
    uid: 'uid-2',
    annotations: { 'basalt.dev/owner': 'group:default/shop-team' },
  },
};

const nodes: NodeSummary[] = [
  {
    name: 'node-a',
    runtime: 'local',
    ready: true,
    instances: [
      {
        cluster: 'payments/orders-db',
        instance: 'orders-db-0',
        engine: 'postgresql',
        role: 'primary',
        ready: true,
      },
    ],
  },
  { name: 'node-b', runtime: 'local', ready: false, instances: [] },
];

function renderPage(api: Partial<BasaltApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [
          basaltApiRef,
          {
            getHealth: async () => ({ status: 'ok' as const, checks: [] }),
            listClusters: async () => [ready, degraded],
            listNodes: async () => nodes,
            listPools: async () => [poolStatus('node-a')],
            ...api,
          },
        ],
      ]}
    >
      <BasaltPage />
    </TestApiProvider>,
  );
}

describe('BasaltPage', () => {
  it('lists every cluster with its health, and filters them', async () => {
    await renderPage({});

    const table = await screen.findByRole('table', { name: 'Clusters' });
    expect(
      within(table).getByRole('row', { name: 'cluster payments/orders-db' }),
    ).toHaveTextContent('Running');
    const carts = within(table).getByRole('row', {
      name: 'cluster shop/carts-db',
    });
    expect(carts).toHaveTextContent('Degraded');
    // The owner by name, not as an entity ref.
    expect(carts).toHaveTextContent('shop-team');
    expect(carts).not.toHaveTextContent('group:default/shop-team');
    // With the reason, not a bare status.
    expect(carts).toHaveTextContent(
      'orders-db-2 is not ready: it does not answer',
    );
    expect(screen.getByText('Clusters (2 of 2)')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /Status/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Degraded' }),
    );
    await waitFor(() =>
      expect(screen.getByText('Clusters (1 of 2)')).toBeInTheDocument(),
    );
    expect(
      screen.queryByRole('row', { name: 'cluster payments/orders-db' }),
    ).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /Owner/ }));
    await userEvent.click(
      await screen.findByRole('option', {
        name: 'group:default/payments-team',
      }),
    );
    expect(
      await screen.findByText(/No cluster matches these filters/),
    ).toBeInTheDocument();
  });

  it('shows the nodes and what runs on them', async () => {
    await renderPage({});

    const nodeA = await screen.findByLabelText('node node-a');
    expect(nodeA).toHaveTextContent('Ready');
    expect(nodeA).toHaveTextContent('orders-db-0');
    expect(nodeA).toHaveTextContent('(postgresql primary)');
    expect(screen.getByLabelText('node node-b')).toHaveTextContent('Not ready');
  });

  it('tells a user without clusters how to create one', async () => {
    await renderPage({ listClusters: async () => [] });

    expect(
      await screen.findByText(/You cannot see any database yet/),
    ).toBeInTheDocument();
  });

  it('says when the clusters cannot be loaded', async () => {
    await renderPage({
      listClusters: async () => {
        throw new Error('Request failed with 503');
      },
    });

    expect(
      await screen.findByText('The clusters could not be loaded'),
    ).toBeInTheDocument();
  });

  describe('volume pools', () => {
    it('shows each pool as a chart', async () => {
      await renderPage({});

      expect(
        await screen.findByRole('img', {
          name: /^Capacity of node-a · default: 2\.0 GiB allocated/,
        }),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('heading', { name: 'Volume pools' }),
      ).toBeInTheDocument();
    });

    it('shows a placeholder while loading', async () => {
      await renderPage({ listPools: () => new Promise(() => {}) });

      // Once everything else has loaded, the pools still have not.
      expect(
        await screen.findByText('The Basalt backend is healthy'),
      ).toBeInTheDocument();
      await screen.findByLabelText('node node-a');
      expect(
        screen.getByRole('heading', { name: 'Volume pools' }),
      ).toBeInTheDocument();
      expect(
        screen.queryByRole('img', { name: /^Capacity/ }),
      ).not.toBeInTheDocument();
    });

    it('says when no pool is configured', async () => {
      await renderPage({ listPools: async () => [] });

      expect(
        await screen.findByText(/No volume pool is configured/),
      ).toBeInTheDocument();
    });

    it('says when the pools cannot be loaded', async () => {
      await renderPage({
        listPools: async () => {
          throw new Error('Request failed with 503');
        },
      });

      expect(
        await screen.findByText('The volume pools could not be loaded'),
      ).toBeInTheDocument();
    });
  });
});
