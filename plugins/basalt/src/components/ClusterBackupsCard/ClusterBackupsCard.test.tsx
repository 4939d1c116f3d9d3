import { screen } from '@testing-library/react';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { clusterIn, databaseResource } from '../../__testUtils__/clusters';
import { renderForEntity } from '../../__testUtils__/renderCard';
import { ClusterBackupsCard } from './ClusterBackupsCard';

function withSpec(spec: Partial<ClusterResource['spec']>): ClusterResource {
  const cluster = clusterIn('ready');
  return { ...cluster, spec: { ...cluster.spec, ...spec } };
}

describe('ClusterBackupsCard', () => {
  it('says backups are not available instead of showing an empty list', async () => {
    await renderForEntity(<ClusterBackupsCard />, {
      entity: databaseResource,
      api: { getCluster: async () => clusterIn('ready') },
    });

    expect(
      await screen.findByText(
        'Backups are not available in this Basalt installation yet',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The manifest declares no backup schedule.'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Take a backup' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Restore to a new database' }),
    ).toBeDisabled();
  });

  it('shows the declared schedule and what deletion will do', async () => {
    await renderForEntity(<ClusterBackupsCard />, {
      entity: databaseResource,
      api: {
        getCluster: async () =>
          withSpec({
            backup: {
              schedule: '0 2 * * *',
              retention: '7d',
              repository: 'default',
            },
            terminationPolicy: 'BackupThenDelete',
          }),
      },
    });

    expect(
      await screen.findByText(
        'Declared schedule: "0 2 * * *" (cron), kept for 7d, in repository "default".',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/Basalt refuses to delete it/)).toBeInTheDocument();
  });

  it('says the policy could not be loaded', async () => {
    await renderForEntity(<ClusterBackupsCard />, {
      entity: databaseResource,
      api: {
        getCluster: async () => {
          throw new Error('Request failed with 500');
        },
      },
    });

    expect(
      await screen.findByText(
        "The database's backup policy could not be loaded",
      ),
    ).toBeInTheDocument();
  });
});
