import { screen, within } from '@testing-library/react';
import { ResponseError } from '@backstage/errors';
import { FailoverRecord } from '@basalt/plugin-basalt-common';
import {
  clusterIn,
  componentWith,
  databaseResource,
} from '../../__testUtils__/clusters';
import { renderForEntity } from '../../__testUtils__/renderCard';
import { ClusterHealthCard } from './ClusterHealthCard';

function notFound() {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: {
          name: 'NotFoundError',
          message: 'EngineCluster payments/orders-db not found',
        },
      }),
      {
        status: 404,
        statusText: 'Not Found',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

describe('ClusterHealthCard', () => {
  it('shows a ready cluster: phase, conditions, engine, instances and endpoints', async () => {
    const getCluster = jest.fn().mockResolvedValue(clusterIn('ready'));
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { getCluster },
    });

    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(screen.getByText(/3 of 3 instances ready/)).toBeInTheDocument();
    expect(
      screen.getByText('Ready: every instance serves'),
    ).toBeInTheDocument();
    expect(screen.getByText('postgresql 15')).toBeInTheDocument();
    expect(screen.getByText('127.0.0.1:40001')).toBeInTheDocument();
    expect(
      screen.getByText('None: the first primary still leads'),
    ).toBeInTheDocument();
    const primary = screen.getByRole('row', { name: 'instance orders-db-0' });
    expect(within(primary).getByText('primary')).toBeInTheDocument();
    expect(within(primary).getByText('node-a')).toBeInTheDocument();
    const lagging = screen.getByRole('row', { name: 'instance orders-db-2' });
    expect(within(lagging).getByText('2.0 KiB behind')).toBeInTheDocument();
    expect(getCluster).toHaveBeenCalledWith({
      namespace: 'payments',
      name: 'orders-db',
    });
  });

  it("shows what each instance's engine reports, warning near a limit", async () => {
    const ready = clusterIn('ready');
    const cluster = {
      ...ready,
      status: {
        ...ready.status!,
        instances: ready.status!.instances.map((instance, index) => ({
          ...instance,
          figures: [
            {
              name: 'usedMemory',
              label: 'Memory used',
              value: index === 0 ? 95 * 1024 ** 2 : 1024 ** 2,
              unit: 'bytes' as const,
              limit: 100 * 1024 ** 2,
            },
            {
              name: 'keys',
              label: 'Keys',
              value: 1200,
              unit: 'count' as const,
            },
            {
              name: 'hitRatio',
              label: 'Hit ratio',
              value: 0.984,
              unit: 'ratio' as const,
            },
          ],
        })),
      },
    };
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { getCluster: jest.fn().mockResolvedValue(cluster) },
    });

    const table = await screen.findByRole('table', { name: 'Engine figures' });
    const primary = within(table).getByRole('row', {
      name: 'figures of orders-db-0',
    });
    expect(
      within(primary).getByText('95.0 MiB of 100.0 MiB (95.0 %)'),
    ).toBeInTheDocument();
    expect(within(primary).getByText('1,200')).toBeInTheDocument();
    expect(within(primary).getByText('98.4 %')).toBeInTheDocument();
    const replica = within(table).getByRole('row', {
      name: 'figures of orders-db-1',
    });
    expect(
      within(replica).getByText('1.0 MiB of 100.0 MiB (1.0 %)'),
    ).toBeInTheDocument();
  });

  it('shows no figures for an engine that reports none', async () => {
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { getCluster: jest.fn().mockResolvedValue(clusterIn('ready')) },
    });
    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Engine figures' }),
    ).not.toBeInTheDocument();
  });

  it.each<{ record: FailoverRecord; headline: string }>([
    {
      record: {
        kind: 'switchover',
        timestamp: '2026-11-24T10:05:00.000Z',
        from: 'orders-db-0',
        to: 'orders-db-1',
        durationMs: 840,
        reason: 'Requested, to orders-db-1',
      },
      headline:
        'Planned switchover from orders-db-0 to orders-db-1; writes paused for 840 ms',
    },
    {
      record: {
        kind: 'failover',
        timestamp: '2026-11-24T10:05:00.000Z',
        from: 'orders-db-0',
        to: 'orders-db-2',
        durationMs: 1250,
        reason: 'orders-db-0 stopped answering (3 probes in a row failed)',
      },
      headline: 'Failover from orders-db-0 to orders-db-2 in 1.3 s',
    },
  ])(
    'shows the last change of primary: $record.kind',
    async ({ record, headline }) => {
      const cluster = clusterIn('ready');
      cluster.status!.lastFailover = record;
      await renderForEntity(<ClusterHealthCard />, {
        entity: databaseResource,
        api: { getCluster: async () => cluster },
      });

      const last = await screen.findByLabelText('Last change of primary');
      expect(within(last).getByText(headline)).toBeInTheDocument();
      expect(
        within(last).getByText(content =>
          content.endsWith(`· ${record.reason}`),
        ),
      ).toBeInTheDocument();
    },
  );

  it('shows configuration changes that wait for a restart', async () => {
    const cluster = clusterIn('ready');
    cluster.status!.configuration = {
      generation: 2,
      parameters: { max_connections: '150' },
      resources: { class: 's' },
      pendingRestart: ['max_connections'],
    };
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { getCluster: async () => cluster },
    });

    expect(
      await screen.findByText('Restart pending: max_connections'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(content =>
        content.includes('replicas first, then a switchover'),
      ),
    ).toBeInTheDocument();
  });

  it('shows the long work under way, and a deletion in progress', async () => {
    const cluster = clusterIn('ready');
    cluster.status!.operations = [
      {
        id: 'op-1',
        kind: 'create-instance',
        target: 'payments-db-2',
        node: 'node-c',
        phase: 'Running',
        progress: 'Cloning from payments-db-0',
        startedAt: '2026-12-06T10:00:00.000Z',
      },
    ];
    cluster.status!.phase = 'Deleting';
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { getCluster: async () => cluster },
    });

    const operations = await screen.findByLabelText('Operations');
    expect(
      within(operations).getByText(content =>
        content.startsWith(
          'Creating payments-db-2 on node-c: Cloning from payments-db-0',
        ),
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Deleting')).toBeInTheDocument();
  });

  it("shows a deletion's final backup and what it does now", async () => {
    const cluster = clusterIn('ready');
    cluster.status!.phase = 'Deleting';
    cluster.status!.operations = [
      {
        id: 'op-2',
        kind: 'final-backup',
        phase: 'Running',
        progress: 'Verifying backup b-1: checksums, then a restore test',
        startedAt: '2026-12-06T10:00:00.000Z',
      },
    ];
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { getCluster: async () => cluster },
    });

    const operations = await screen.findByLabelText('Operations');
    expect(
      within(operations).getByText(content =>
        content.startsWith(
          'Taking the final backup: Verifying backup b-1: checksums, then a restore test',
        ),
      ),
    ).toBeInTheDocument();
  });

  it('says what a restore load and a rolling restart are doing', async () => {
    const cluster = clusterIn('ready');
    const running = {
      phase: 'Running' as const,
      node: 'node-a',
      startedAt: '2026-12-06T10:00:00.000Z',
    };
    cluster.status!.operations = [
      {
        ...running,
        id: 'op-3',
        kind: 'restore',
        target: 'payments-db-0',
        progress: 'Loading backup b-2 (logical)',
      },
      {
        ...running,
        id: 'op-4',
        kind: 'restart',
        target: 'payments-db-1',
        progress: '1 of 2 in the rolling restart',
      },
    ];
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { getCluster: async () => cluster },
    });

    const operations = await screen.findByLabelText('Operations');
    for (const line of [
      'Restoring into payments-db-0 on node-a: Loading backup b-2 (logical)',
      'Restarting payments-db-1 on node-a: 1 of 2 in the rolling restart',
    ]) {
      expect(
        within(operations).getByText(content => content.startsWith(line)),
      ).toBeInTheDocument();
    }
  });

  it('shows a degraded cluster and the instance that is not ready', async () => {
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { getCluster: async () => clusterIn('degraded') },
    });

    expect(await screen.findByText('Degraded')).toBeInTheDocument();
    expect(
      screen.getByText('Accepting connections, not every instance ready'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Running with fewer healthy instances'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/orders-db-2 is not ready: it does not answer/),
    ).toBeInTheDocument();
    const replica = screen.getByRole('row', { name: 'instance orders-db-2' });
    expect(within(replica).getByText('Not ready')).toBeInTheDocument();
    expect(
      within(replica).getByText('connect ECONNREFUSED 127.0.0.1:15434'),
    ).toBeInTheDocument();
  });

  it('says a failed cluster does not serve and why', async () => {
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { getCluster: async () => clusterIn('failed') },
    });

    expect(
      await screen.findByText('This database is not serving'),
    ).toBeInTheDocument();
    expect(screen.getByText('Not accepting connections')).toBeInTheDocument();
    expect(
      screen.getByText(/PostgreSQL 15 is not installed on this host/),
    ).toBeInTheDocument();
  });

  it('shows a cluster that has no instances yet', async () => {
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { getCluster: async () => clusterIn('pending') },
    });

    expect(await screen.findByText('Pending')).toBeInTheDocument();
    expect(screen.getByText('No instances yet.')).toBeInTheDocument();
    expect(screen.getAllByText('not yet available')).toHaveLength(2);
  });

  it('tells the user what to do when the cluster is unknown', async () => {
    const error = await notFound();
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { getCluster: async () => Promise.reject(error) },
    });

    expect(
      await screen.findByText("The cluster's health could not be loaded"),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Basalt does not know this cluster/),
    ).toBeInTheDocument();
  });

  it('updates by itself while shown', async () => {
    // The cluster changes when the test says so, not after a number of
    // calls: the card polls on a timer, so a count would race with it.
    let state: 'ready' | 'degraded' = 'ready';
    const getCluster = jest.fn(async () => clusterIn(state));
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { getCluster },
    });

    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(screen.queryByText('Degraded')).not.toBeInTheDocument();

    // Nothing is clicked: the card's next poll (every 3 s) shows the change.
    state = 'degraded';
    expect(
      await screen.findByText('Degraded', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
  }, 20_000);

  it('tells a scale just asked for from a settled cluster, with no contradiction', async () => {
    // Scaled from 3 to 2 a moment ago: the last report is of generation 1.
    const scaled = clusterIn('ready');
    scaled.metadata.generation = 2;
    scaled.spec.replicas = 2;
    scaled.status!.conditions.push({
      type: 'Progressing',
      status: 'False',
      reason: 'Available',
      message: 'Cluster matches generation 1',
      lastTransitionTime: '2026-11-24T10:00:00.000Z',
      observedGeneration: 1,
    });
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { getCluster: async () => scaled },
    });

    expect(await screen.findByLabelText('Phase')).toHaveTextContent(
      '3 of 3 instances ready, scaling to 2',
    );
    expect(
      screen.getByText(
        'A change was asked for; the controller is picking it up',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('No change in progress')).not.toBeInTheDocument();
  });

  it('lets a component with two databases choose between them', async () => {
    const getCluster = jest.fn().mockResolvedValue(clusterIn('ready'));
    await renderForEntity(<ClusterHealthCard />, {
      entity: componentWith('payments/orders-db', 'payments/ledger-db'),
      api: { getCluster },
    });

    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /payments\/orders-db/ }),
    ).toBeInTheDocument();
  });
});
