import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { BasaltApi, ClusterResource } from '@basalt/plugin-basalt-common';
import { ago, backupRecord as backup, MiB } from '../../__testUtils__/backups';
import {
  clusterIn,
  databaseResource,
  offeringsWith,
  postgresCapabilities,
  clusterOfItsOwn,
} from '../../__testUtils__/clusters';
import { renderForEntity } from '../../__testUtils__/renderCard';
import { ClusterBackupsCard } from './ClusterBackupsCard';

const ref = { namespace: 'payments', name: 'orders-db' };
function withSpec(spec: Partial<ClusterResource['spec']>): ClusterResource {
  const cluster = clusterIn('ready');
  return { ...cluster, spec: { ...cluster.spec, ...spec } };
}

function render(api: Partial<BasaltApi>, permission?: AuthorizeResult) {
  return renderForEntity(<ClusterBackupsCard />, {
    entity: databaseResource,
    api: { getCluster: async () => clusterIn('ready'), ...api },
    permission: permission as AuthorizeResult.ALLOW | undefined,
  });
}

const row = (id: string) => screen.getByRole('row', { name: `backup ${id}` });

describe('ClusterBackupsCard', () => {
  it('lists the backups, highlights the latest completed one and shows the policy', async () => {
    const listBackups = jest.fn().mockResolvedValue([
      backup('b3', { trigger: 'manual', requestedBy: 'user:default/jane' }),
      backup('b2', { method: 'logical', verification: undefined }),
      backup('b1', {
        verification: {
          verifiedAt: ago(100),
          checksum: 'passed',
          restoreTest: 'failed',
          message: 'the restored instance did not answer',
        },
      }),
    ]);
    await render({
      listBackups,
      getCluster: async () =>
        withSpec({
          backup: {
            schedule: '0 2 * * *',
            retention: '7d',
            repository: 'default',
            method: 'physical',
            logArchiving: true,
            restoreTest: true,
          },
          terminationPolicy: 'BackupThenDelete',
        }),
    });

    await screen.findByRole('table', { name: 'Backups' });
    expect(listBackups).toHaveBeenCalledWith(ref);
    expect(row('b3')).toHaveTextContent('Manual (user:default/jane)');
    expect(row('b3')).toHaveTextContent('Completed: 42.0 MiB in 4.2 s');
    expect(row('b3')).toHaveTextContent('Latest completed backup');
    expect(row('b3')).toHaveTextContent('Checksum passed, restore test passed');
    expect(row('b3')).toHaveTextContent('(1 h ago)');
    expect(row('b2')).not.toHaveTextContent('Latest completed backup');
    expect(row('b2')).toHaveTextContent('Logical');
    expect(row('b2')).toHaveTextContent('Not verified yet');
    expect(row('b1')).toHaveTextContent('restore test failed');
    expect(row('b1')).toHaveTextContent('the restored instance did not answer');

    const policy = screen.getByLabelText('Backup policy');
    expect(policy).toHaveTextContent('"0 2 * * *" (cron)');
    expect(policy).toHaveTextContent('7d');
    expect(policy).toHaveTextContent(
      'point-in-time recovery is available from the oldest retained physical backup',
    );
    expect(policy).toHaveTextContent(
      'first takes a final backup, checks its checksums and restore-tests it, and deletes the database only if that succeeds',
    );
  });

  it('shows a running backup with the bytes written so far', async () => {
    await render({
      listBackups: async () => [
        backup('b2', {
          phase: 'Running',
          startedAt: ago(1),
          completedAt: undefined,
          verification: undefined,
          sizeBytes: 12 * MiB,
        }),
      ],
    });

    expect(
      await screen.findByText('Running: 12.0 MiB so far'),
    ).toBeInTheDocument();
    expect(row('b2')).toHaveTextContent('—');
  });

  it('shows a failed backup with its error', async () => {
    await render({
      listBackups: async () => [
        backup('b2', {
          phase: 'Failed',
          verification: undefined,
          error: 'pg_basebackup exited with code 1: could not connect',
        }),
      ],
    });

    expect(await screen.findByText('Failed')).toBeInTheDocument();
    expect(
      screen.getByText('pg_basebackup exited with code 1: could not connect'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Latest completed backup')).toBeNull();
    expect(screen.queryByRole('button', { name: /Restore backup/ })).toBeNull();
  });

  it('says what to do when there are no backups yet', async () => {
    await render({ listBackups: async () => [] });

    expect(
      await screen.findByText(
        /Take a backup, or declare spec.backup.schedule in the manifest/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Backup policy')).toHaveTextContent(
      'None: backups are taken only when asked for',
    );
    // Without a physical backup there is no moment to recover to.
    expect(
      screen.queryByRole('button', { name: 'Restore to a point in time…' }),
    ).toBeNull();
  });

  it('offers only what the engine can do, in its words', async () => {
    await render({
      getOfferings: async () =>
        offeringsWith({
          ...postgresCapabilities,
          backups: { methods: ['physical'] },
        }),
      listBackups: async () => [backup('b1')],
    });

    expect(await screen.findByLabelText('Backup policy')).toHaveTextContent(
      'postgresql has no point-in-time recovery: a restore brings back the moment a backup was taken.',
    );
    expect(
      screen.queryByRole('button', { name: 'Restore to a point in time…' }),
    ).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: /Method/ }));
    expect(
      (await screen.findAllByRole('option')).map(o => o.textContent),
    ).toEqual(['Physical']);
  });

  it('offers a point-in-time restore where the engine archives its log', async () => {
    await render({ listBackups: async () => [backup('b1')] });

    expect(await screen.findByLabelText('Backup policy')).toHaveTextContent(
      'WAL archiving is on: point-in-time recovery is available from the oldest retained physical backup',
    );
    expect(
      screen.getByRole('button', { name: 'Restore to a point in time…' }),
    ).toBeInTheDocument();
  });

  it('says the backups could not be loaded, and what to do', async () => {
    await render({
      listBackups: async () => {
        throw new Error('Request failed with 502 Bad Gateway');
      },
    });

    expect(
      await screen.findByText("The database's backups could not be loaded"),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Check that the Basalt backend is running/),
    ).toBeInTheDocument();
  });

  it('says the policy could not be loaded', async () => {
    await render({
      getCluster: async () => {
        throw new Error('Request failed with 500');
      },
      listBackups: async () => [],
    });

    expect(
      await screen.findByText(
        "The cluster's backup policy could not be loaded",
      ),
    ).toBeInTheDocument();
  });

  it('offers no backup or restore to a user without the permissions', async () => {
    const { cluster, entity } = clusterOfItsOwn();
    await renderForEntity(<ClusterBackupsCard />, {
      entity,
      api: {
        getCluster: async () => cluster,
        listBackups: async () => [backup('b1', {})],
      },
      permission: AuthorizeResult.DENY,
    });

    await screen.findByRole('table', { name: 'Backups' });
    expect(screen.queryByRole('button', { name: 'Take backup' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Restore/ })).toBeNull();
  });

  it('takes a backup by the chosen method and follows it until it completes', async () => {
    const running = backup('b9', {
      trigger: 'manual',
      method: 'logical',
      phase: 'Running',
      startedAt: ago(0),
      completedAt: undefined,
      verification: undefined,
      sizeBytes: 0,
    });
    const createBackup = jest.fn().mockResolvedValue(running);
    // The list answers by what the backend has done, not by how often it is
    // asked: the card also polls on a timer, so a count would depend on how
    // long the clicks below take. Nothing until the backup is started, then
    // the running backup until the test lets it complete.
    let completed = false;
    const listBackups = jest.fn(async () => {
      if (createBackup.mock.calls.length === 0) return [];
      if (!completed) return [{ ...running, sizeBytes: 5 * MiB }];
      return [backup('b9', { method: 'logical', trigger: 'manual' })];
    });
    await render({ listBackups, createBackup });

    await userEvent.click(
      await screen.findByRole('button', { name: /Method/ }),
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'Logical' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Take backup' }));

    await waitFor(() =>
      expect(createBackup).toHaveBeenCalledWith(ref, { method: 'logical' }),
    );
    expect(await screen.findByText('Backup b9 is running')).toBeInTheDocument();
    expect(
      await screen.findByText(/5.0 MiB written so far/),
    ).toBeInTheDocument();
    expect(screen.queryByText('Backup b9 completed')).not.toBeInTheDocument();

    // The backend finishes it; the card notices on its next poll (every 3 s).
    completed = true;
    expect(
      await screen.findByText('Backup b9 completed', undefined, {
        timeout: 10_000,
      }),
    ).toBeInTheDocument();
  }, 20_000);

  it('takes backups by the method the manifest declares by default', async () => {
    const createBackup = jest.fn().mockRejectedValue(
      Object.assign(new Error('Request failed with 409 Conflict'), {
        statusCode: 409,
        cause: { message: 'A backup of payments/orders-db is running' },
      }),
    );
    await render({
      listBackups: async () => [],
      createBackup,
      getCluster: async () =>
        withSpec({
          backup: {
            repository: 'default',
            method: 'logical',
            logArchiving: false,
            restoreTest: true,
          },
        }),
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Take backup' }),
    );
    await waitFor(() =>
      expect(createBackup).toHaveBeenCalledWith(ref, { method: 'logical' }),
    );
    expect(
      await screen.findByText('The backup was not started'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('A backup of payments/orders-db is running (409)'),
    ).toBeInTheDocument();
  });
});
