import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { PoolsChart } from './PoolsChart';
import { GiB, MiB, poolStatus } from './testPools';

const pool = poolStatus('node-a', {
  allocatedBytes: 5 * GiB,
  allocatedBytesPerSec: 20 * MiB,
  volumes: 3,
  unlimitedVolumes: 2,
  allocations: [
    {
      cluster: 'payments/orders-db',
      instances: ['orders-db-0'],
      volumes: 1,
      allocatedBytes: 2 * GiB,
      usedBytes: 45 * MiB,
      allocatedBytesPerSec: 20 * MiB,
      unlimitedVolumes: 0,
    },
    {
      cluster: 'payments/ledger-db',
      instances: ['ledger-db-1'],
      volumes: 1,
      allocatedBytes: 2 * GiB,
      allocatedBytesPerSec: 0,
      unlimitedVolumes: 1,
    },
    {
      instances: [],
      volumes: 1,
      allocatedBytes: GiB,
      allocatedBytesPerSec: 0,
      unlimitedVolumes: 1,
    },
  ],
});

describe('PoolsChart, by cluster', () => {
  it('opens the volumes by cluster from the keyboard, in words', async () => {
    await renderInTestApp(<PoolsChart pools={[pool]} />);
    const toggle = screen.getByRole('button', {
      name: 'Show the volumes by cluster (3)',
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('list')).not.toBeInTheDocument();

    await userEvent.tab();
    expect(toggle).toHaveFocus();
    await userEvent.keyboard('{Enter}');

    const list = screen.getByRole('list', {
      name: 'Volumes in node-a · default by cluster',
    });
    expect(
      screen.getByRole('button', { name: 'Hide the volumes by cluster' }),
    ).toHaveAttribute('aria-controls', list.id);
    const items = within(list)
      .getAllByRole('listitem')
      .map(item => [item.getAttribute('aria-label'), item.textContent]);
    expect(items).toEqual([
      [
        'payments/orders-db',
        'payments/orders-dbInstances: orders-db-0Capacity: 2.0 GiB, 45.0 MiB usedThroughput: 20.0 MiB/s',
      ],
      [
        'payments/ledger-db',
        'payments/ledger-dbInstances: ledger-db-1Capacity: 2.0 GiB, use unknownThroughput: no limit',
      ],
      [
        'Clusters you may not read',
        'Clusters you may not readInstances: 1 volumeCapacity: 1.0 GiB, use unknownThroughput: no limit',
      ],
    ]);

    await userEvent.keyboard('{Enter}');
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
  });

  it('opens on a click of the bars and tells the split on hover', async () => {
    await renderInTestApp(<PoolsChart pools={[pool]} />);
    const bars = screen.getByTestId('pool-bars');
    expect(bars).toHaveAttribute(
      'title',
      [
        'payments/orders-db: 2.0 GiB, 20.0 MiB/s',
        'payments/ledger-db: 2.0 GiB, no limit',
        'Clusters you may not read: 1.0 GiB, no limit',
      ].join('\n'),
    );
    await userEvent.click(screen.getByRole('img', { name: /^Throughput/ }));
    expect(screen.getByRole('list')).toBeVisible();
  });

  it('says which volumes have no throughput limit, beside the bar and in its name', async () => {
    await renderInTestApp(<PoolsChart pools={[pool]} />);
    const note =
      '2 volumes without a throughput limit count 0 here and may use up to the physical throughput';
    expect(
      screen.getByRole('img', { name: /^Throughput/ }),
    ).toHaveAccessibleName(expect.stringMatching(new RegExp(`; ${note}$`)));
    expect(screen.getByText(`2${note.slice(1)}.`)).toBeVisible();
  });

  it('shows no toggle for an empty pool, or for a backend without the split', async () => {
    await renderInTestApp(
      <PoolsChart
        pools={[
          poolStatus('node-a', { allocations: [] }),
          poolStatus('node-b'),
        ]}
      />,
    );
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    expect(screen.queryByText(/without a throughput limit/)).toBeNull();
  });
});
