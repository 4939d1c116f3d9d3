import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  BasaltApi,
  ClusterRef,
  ClusterResource,
} from '@basalt/plugin-basalt-common';
import { ago, backupRecord as backup } from '../../__testUtils__/backups';
import { clusterIn, databaseResource } from '../../__testUtils__/clusters';
import { renderForEntity } from '../../__testUtils__/renderCard';
import { ClusterBackupsCard } from './ClusterBackupsCard';
import { restoreProgress } from './RestoreProgress';

const ref = { namespace: 'payments', name: 'orders-db' };

/** Types into a field at once: a paste, as key-by-key typing is slow here. */
async function enter(field: HTMLElement, text: string) {
  await userEvent.clear(field);
  await userEvent.paste(text);
}

function render(api: Partial<BasaltApi>) {
  return renderForEntity(<ClusterBackupsCard />, {
    entity: databaseResource,
    api,
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
}

describe('ClusterBackupsCard restores', () => {
  const restoring = (name: string): ClusterResource => {
    const cluster = clusterIn('pending');
    cluster.metadata.name = name;
    cluster.status = {
      observedGeneration: 1,
      phase: 'Creating',
      endpoints: {},
      instances: [],
      conditions: [
        {
          type: 'Restored',
          status: 'False',
          reason: 'Restoring',
          message: 'Restoring backup b1: 12.0 MiB of 42.0 MiB',
          observedGeneration: 1,
          lastTransitionTime: ago(0),
        },
      ],
    };
    return cluster;
  };
  const getCluster = async (cluster: ClusterRef) =>
    cluster.name === 'orders-db' ? clusterIn('ready') : restoring(cluster.name);

  it('follows the new cluster from restoring to ready, or to its failure', () => {
    const target = { namespace: 'payments', name: 'orders-db-copy' };
    const cluster = restoring('orders-db-copy');
    expect(restoreProgress(target, undefined).title).toBe(
      'Restoring payments/orders-db-copy',
    );
    expect(restoreProgress(target, cluster)).toMatchObject({
      pending: true,
      description: 'Restoring backup b1: 12.0 MiB of 42.0 MiB',
    });
    const [restored] = cluster.status!.conditions;
    const ready = clusterIn('ready').status!.conditions[0];
    cluster.status!.conditions = [
      { ...restored, status: 'True', reason: 'RestoreComplete' },
      { ...ready, status: 'False', message: '1 of 3 instances ready' },
    ];
    expect(restoreProgress(target, cluster)).toMatchObject({
      title: 'payments/orders-db-copy: data restored, starting',
      description: '1 of 3 instances ready',
    });
    cluster.status!.conditions[1] = ready;
    expect(restoreProgress(target, cluster)).toMatchObject({
      status: 'success',
      title: 'payments/orders-db-copy is restored and ready',
    });
    cluster.status!.conditions = [
      {
        ...restored,
        reason: 'RestoreFailed',
        message: 'backup b1 failed its checksum',
      },
    ];
    expect(restoreProgress(target, cluster)).toMatchObject({
      status: 'danger',
      description: 'backup b1 failed its checksum',
    });
  });

  it('validates the new name, restores the backup and follows the new cluster', async () => {
    const restoreCluster = jest
      .fn()
      .mockResolvedValue(restoring('orders-db-copy'));
    await render({
      listBackups: async () => [backup('b1', {})],
      getCluster,
      restoreCluster,
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Restore backup b1' }),
    );
    const dialog = await screen.findByRole('dialog');
    const restore = within(dialog).getByRole('button', { name: 'Restore' });
    expect(restore).toBeDisabled();
    const name = within(dialog).getByRole('textbox', {
      name: 'Name of the new database',
    });
    await enter(name, 'Orders_DB');
    expect(
      await within(dialog).findByText(/Use lower-case letters, digits and '-'/),
    ).toBeInTheDocument();
    expect(restore).toBeDisabled();
    await enter(name, 'a'.repeat(41));
    expect(
      await within(dialog).findByText(
        'Use at most 40 characters (this has 41).',
      ),
    ).toBeInTheDocument();
    await enter(name, 'orders-db-copy');
    expect(
      within(dialog).getByRole('textbox', { name: 'Namespace' }),
    ).toHaveValue('payments');
    expect(restore).toBeEnabled();
    await userEvent.click(restore);

    await waitFor(() =>
      expect(restoreCluster).toHaveBeenCalledWith(ref, {
        name: 'orders-db-copy',
        namespace: 'payments',
        backup: 'b1',
      }),
    );
    expect(
      await screen.findByText('Restoring payments/orders-db-copy'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Restoring backup b1: 12.0 MiB of 42.0 MiB'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: 'Open the Data page of orders-db-copy',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/payments/resource/orders-db-copy/database',
    );
  }, 20_000);

  it("shows the API's reason when a restore is refused", async () => {
    const restoreCluster = jest.fn().mockRejectedValue(
      Object.assign(new Error('Request failed with 409 Conflict'), {
        statusCode: 409,
        cause: { message: 'EngineCluster payments/orders-db-2 already exists' },
      }),
    );
    await render({
      listBackups: async () => [backup('b1', {})],
      getCluster,
      restoreCluster,
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Restore backup b1' }),
    );
    const dialog = await screen.findByRole('dialog');
    await enter(
      within(dialog).getByRole('textbox', { name: 'Name of the new database' }),
      'orders-db-2',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Restore' }),
    );

    expect(
      await screen.findByText('The restore was refused'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'EngineCluster payments/orders-db-2 already exists (409)',
      ),
    ).toBeInTheDocument();
  }, 20_000);

  it('restores to a point in time after the oldest physical backup', async () => {
    const restoreCluster = jest
      .fn()
      .mockResolvedValue(restoring('orders-pitr'));
    const oldest = backup('b1', { startedAt: ago(120), completedAt: ago(119) });
    await render({
      listBackups: async () => [backup('b2', {}), oldest],
      getCluster,
      restoreCluster,
    });

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Restore to a point in time…',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await enter(
      within(dialog).getByRole('textbox', { name: 'Name of the new database' }),
      'orders-pitr',
    );
    const time = within(dialog).getByRole('textbox', { name: /Recover to/ });
    await enter(time, ago(180));
    expect(
      await within(dialog).findByText(
        /when the oldest retained physical backup completed/,
      ),
    ).toBeInTheDocument();
    await enter(time, '2999-01-01T00:00:00Z');
    expect(
      await within(dialog).findByText('Choose a time in the past.'),
    ).toBeInTheDocument();
    const target = new Date(Date.now() - 30 * 60_000);
    target.setUTCSeconds(0, 0);
    await enter(time, target.toISOString().replace('.000Z', 'Z'));
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Restore' }),
    );

    await waitFor(() =>
      expect(restoreCluster).toHaveBeenCalledWith(ref, {
        name: 'orders-pitr',
        namespace: 'payments',
        time: target.toISOString(),
      }),
    );
    expect(
      await screen.findByText('Restoring payments/orders-pitr'),
    ).toBeInTheDocument();
  }, 20_000);
});
