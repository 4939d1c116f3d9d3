import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { PoolsChart } from './PoolsChart';
import { GiB, poolStatus } from './testPools';

describe('PoolsChart', () => {
  it('draws capacity and throughput bars with their numbers', async () => {
    await renderInTestApp(
      <PoolsChart pools={[poolStatus('node-a'), poolStatus('node-b')]} />,
    );

    const nodeA = screen.getByRole('group', { name: 'pool node-a · default' });
    expect(nodeA).toHaveTextContent('1 of 64 volumes');
    const capacity = within(nodeA).getByRole('img', { name: /^Capacity/ });
    expect(capacity).toHaveAccessibleName(
      'Capacity of node-a · default: 2.0 GiB allocated of 200.0 GiB allocatable (100.0 GiB physical × 2.0), 45.0 MiB used',
    );
    expect(
      within(nodeA).getByRole('img', { name: /^Throughput/ }),
    ).toBeVisible();
    // Visible labels beside each bar.
    expect(
      within(nodeA).getByText('Allocated 2.0 GiB (2.0 % of physical)'),
    ).toBeInTheDocument();
    expect(
      within(nodeA).getByText('Used 45.0 MiB (< 0.1 %)'),
    ).toBeInTheDocument();
    expect(within(nodeA).getByText('Physical 100.0 GiB')).toBeInTheDocument();
    expect(
      within(nodeA).getByText('Allocatable 200.0 GiB'),
    ).toBeInTheDocument();
    expect(
      within(nodeA).getByText('Allocated 20.0 MiB/s (8.0 % of physical)'),
    ).toBeInTheDocument();
    // Half of the scale (200 GiB) is physical; 1 % is allocated.
    const physical = capacity.querySelector('[data-segment="physical"]');
    expect(physical).toHaveStyle({ width: '50%' });
    expect(capacity.querySelector('[data-segment="allocated"]')).toHaveStyle({
      width: '1%',
    });
    expect(capacity.querySelector('[data-segment="over-physical"]')).toBeNull();
    expect(screen.queryByText(/not enforced/)).not.toBeInTheDocument();
  });

  it('colours what is allocated beyond physical and beyond the limit', async () => {
    await renderInTestApp(
      <PoolsChart
        pools={[poolStatus('node-a', { allocatedBytes: 250 * GiB })]}
      />,
    );

    const capacity = screen.getByRole('img', { name: /^Capacity/ });
    expect(capacity).toHaveAccessibleName(
      expect.stringContaining('50.0 GiB beyond the allocatable limit'),
    );
    // The scale is the 250 GiB allocated: 100 physical, 100 over, 50 beyond.
    expect(
      capacity.querySelector('[data-segment="over-physical"]'),
    ).toHaveStyle({ left: '40%', width: '40%' });
    expect(
      capacity.querySelector('[data-segment="over-allocatable"]'),
    ).toHaveStyle({ left: '80%', width: '20%' });
    expect(screen.getByText('Beyond physical 100.0 GiB')).toBeInTheDocument();
    expect(screen.getByText('Beyond allocatable 50.0 GiB')).toBeInTheDocument();
  });

  it('says when the use is unknown', async () => {
    await renderInTestApp(
      <PoolsChart pools={[poolStatus('node-a', { usedBytes: undefined })]} />,
    );

    expect(screen.getByRole('img', { name: /^Capacity/ })).toHaveAccessibleName(
      expect.stringMatching(/used unknown$/),
    );
    expect(screen.queryByText(/^Used/)).not.toBeInTheDocument();
  });

  it('notes when the runtime does not enforce the limits, and why', async () => {
    const enforcement = {
      enforced: false as const,
      reason: 'Volumes need root on Linux; they are plain directories.',
    };
    await renderInTestApp(
      <PoolsChart
        pools={[
          poolStatus('node-a', { enforcement }),
          poolStatus('node-b', { enforcement }),
        ]}
      />,
    );

    expect(screen.getAllByText('Volume limits are not enforced')).toHaveLength(
      1,
    );
    expect(
      screen.getByText(
        /Volumes need root on Linux; they are plain directories\. Sizes/,
      ),
    ).toHaveTextContent(/node-a · default, node-b · default/);
  });
});
