import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { BasaltApi } from '@basalt/plugin-basalt-common';
import {
  clusterIn,
  clusterOfItsOwn,
  databaseResource,
} from '../../__testUtils__/clusters';
import { renderForEntity } from '../../__testUtils__/renderCard';
import { clusterManifestRouteRef } from '../../routes';
import { DataTab } from './DataTab';

const ref = { namespace: 'payments', name: 'orders-db' };

function api(overrides: Partial<BasaltApi> = {}): Partial<BasaltApi> {
  return {
    getCluster: async () => clusterIn('ready'),
    listClusterEvents: async () => [],
    listBackups: async () => [],
    streamClusterLogs: async () => undefined,
    ...overrides,
  };
}

describe('DataTab', () => {
  it('shows health, events, backups and logs together', async () => {
    await renderForEntity(<DataTab />, {
      entity: databaseResource,
      api: api(),
    });

    expect(await screen.findByText('Running')).toBeInTheDocument();
    for (const title of ['Health', 'Operations', 'Events', 'Backups', 'Logs']) {
      expect(screen.getByRole('heading', { name: title })).toBeInTheDocument();
    }
  });

  it('links to the manifest to commit', async () => {
    await renderForEntity(<DataTab />, {
      entity: databaseResource,
      api: api(),
      mountedRoutes: {
        '/basalt/clusters/:namespace/:name/manifest': clusterManifestRouteRef,
      },
    });

    expect(
      await screen.findByRole('link', { name: 'Open the manifest to commit' }),
    ).toHaveAttribute('href', '/basalt/clusters/payments/orders-db/manifest');
  });

  it('hides the operations from a user without the permissions', async () => {
    const { cluster, entity } = clusterOfItsOwn();
    await renderForEntity(<DataTab />, {
      entity,
      api: api({ getCluster: async () => cluster }),
      permission: AuthorizeResult.DENY,
    });

    expect(
      await screen.findByText(
        /You may look at this database but not change it/,
      ),
    ).toBeInTheDocument();
    for (const action of ['Scale', 'Restart', 'Switch over', 'Delete']) {
      expect(
        screen.queryByRole('button', { name: action }),
      ).not.toBeInTheDocument();
    }
  });

  it('restarts only after confirmation', async () => {
    const restartCluster = jest.fn().mockResolvedValue(clusterIn('ready'));
    await renderForEntity(<DataTab />, {
      entity: databaseResource,
      api: api({ restartCluster }),
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Restart' }),
    );
    expect(
      await screen.findByText(/Every instance restarts, replicas first/),
    ).toBeInTheDocument();
    expect(restartCluster).not.toHaveBeenCalled();
    await userEvent.click(
      screen.getAllByRole('button', { name: 'Restart' }).at(-1)!,
    );

    await waitFor(() => expect(restartCluster).toHaveBeenCalledWith(ref));
    expect(
      await screen.findByText(/Restarting, replicas first/),
    ).toBeInTheDocument();
  });

  it('deletes only once the name is typed, and shows a refusal', async () => {
    const deleteCluster = jest
      .fn()
      .mockRejectedValue(
        new Error(
          'EngineCluster payments/orders-db has terminationPolicy DoNotTerminate',
        ),
      );
    await renderForEntity(<DataTab />, {
      entity: databaseResource,
      api: api({ deleteCluster }),
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Delete' }),
    );
    const confirm = screen.getAllByRole('button', { name: 'Delete' }).at(-1)!;
    expect(confirm).toBeDisabled();
    await userEvent.type(
      screen.getByLabelText('Type orders-db to confirm'),
      'orders-db',
    );
    expect(confirm).toBeEnabled();
    await userEvent.click(confirm);

    await waitFor(() => expect(deleteCluster).toHaveBeenCalledWith(ref));
    expect(await screen.findByText('Not done')).toBeInTheDocument();
    expect(
      screen.getByText(/has terminationPolicy DoNotTerminate/),
    ).toBeInTheDocument();
  });

  it('scales up at once and asks before scaling down', async () => {
    const scaleCluster = jest.fn().mockResolvedValue(clusterIn('ready'));
    await renderForEntity(<DataTab />, {
      entity: databaseResource,
      api: api({ scaleCluster }),
    });

    const field = await screen.findByRole('textbox', { name: 'Instances' });
    await userEvent.clear(field);
    await userEvent.type(field, '2{Tab}');
    await userEvent.click(screen.getByRole('button', { name: 'Scale' }));
    expect(
      await screen.findByText(/Replicas beyond 2 are removed with their data/),
    ).toBeInTheDocument();
    expect(scaleCluster).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Scale down' }));
    await waitFor(() => expect(scaleCluster).toHaveBeenCalledWith(ref, 2));

    await userEvent.clear(field);
    await userEvent.type(field, '4{Tab}');
    await userEvent.click(screen.getByRole('button', { name: 'Scale' }));
    await waitFor(() => expect(scaleCluster).toHaveBeenCalledWith(ref, 4));
  });

  it('scales with one click straight after typing the number', async () => {
    const scaleCluster = jest.fn().mockResolvedValue(clusterIn('ready'));
    await renderForEntity(<DataTab />, {
      entity: databaseResource,
      api: api({ scaleCluster }),
    });

    const field = await screen.findByRole('textbox', { name: 'Instances' });
    await userEvent.clear(field);
    // No Tab: the field still has the focus when Scale is clicked.
    await userEvent.type(field, '5');
    await userEvent.click(screen.getByRole('button', { name: 'Scale' }));

    await waitFor(() => expect(scaleCluster).toHaveBeenCalledWith(ref, 5));
    expect(scaleCluster).toHaveBeenCalledTimes(1);
  });

  it('says a deleted cluster is gone and offers nothing for it any more', async () => {
    let deleted = false;
    const gone = Object.assign(new Error('Request failed with 404'), {
      response: { status: 404 },
    });
    await renderForEntity(<DataTab />, {
      entity: databaseResource,
      api: api({
        getCluster: async () => {
          if (deleted) throw gone;
          return clusterIn('ready');
        },
      }),
    });
    expect(
      await screen.findByRole('button', { name: 'Delete' }),
    ).toBeInTheDocument();

    // Deleted elsewhere: the tab's next refresh (every 3 s) shows it.
    deleted = true;
    expect(
      await screen.findByText(
        /Basalt does not know this cluster \(any more\)/,
        {},
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('Running')).not.toBeInTheDocument();
    for (const action of ['Scale', 'Restart', 'Delete']) {
      expect(
        screen.queryByRole('button', { name: action }),
      ).not.toBeInTheDocument();
    }
  }, 20_000);

  it('offers no switchover for a cluster with one instance', async () => {
    const single = clusterIn('ready');
    single.spec.replicas = 1;
    single.status!.instances = single.status!.instances.slice(0, 1);
    await renderForEntity(<DataTab />, {
      entity: databaseResource,
      api: api({ getCluster: async () => single }),
    });

    expect(
      await screen.findByRole('button', { name: 'Restart' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Switch over' }),
    ).not.toBeInTheDocument();
  });

  it('switches over to the chosen replica only after confirmation', async () => {
    const switchoverCluster = jest.fn().mockResolvedValue(clusterIn('ready'));
    await renderForEntity(<DataTab />, {
      entity: databaseResource,
      api: api({ switchoverCluster }),
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Switch over' }),
    );
    expect(
      await screen.findByText(
        /Writes pause for about a second while the primary changes; no committed write is lost/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/The primary role moves from orders-db-0/),
    ).toBeInTheDocument();
    // The replicas are the choices, with how far behind each is.
    expect(
      screen.getByRole('radio', { name: /most advanced replica/ }),
    ).toBeChecked();
    expect(
      screen.queryByRole('radio', { name: /orders-db-0/ }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('radio', {
        name: 'orders-db-2 on node-c, 2.0 KiB behind',
      }),
    );
    expect(switchoverCluster).not.toHaveBeenCalled();
    await userEvent.click(
      screen.getAllByRole('button', { name: 'Switch over' }).at(-1)!,
    );

    await waitFor(() =>
      expect(switchoverCluster).toHaveBeenCalledWith(ref, 'orders-db-2'),
    );
    expect(
      await screen.findByText(/Switching over to orders-db-2/),
    ).toBeInTheDocument();
  });

  it('switches over to the most advanced replica by default, and shows a refusal', async () => {
    const switchoverCluster = jest
      .fn()
      .mockRejectedValue(
        new Error(
          'target: must be one of the replicas of payments/orders-db (orders-db-1), got "orders-db-2"',
        ),
      );
    await renderForEntity(<DataTab />, {
      entity: databaseResource,
      api: api({ switchoverCluster }),
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Switch over' }),
    );
    await userEvent.click(
      screen.getAllByRole('button', { name: 'Switch over' }).at(-1)!,
    );

    await waitFor(() =>
      expect(switchoverCluster).toHaveBeenCalledWith(ref, undefined),
    );
    expect(await screen.findByText('Not done')).toBeInTheDocument();
    expect(
      screen.getByText(/must be one of the replicas of payments\/orders-db/),
    ).toBeInTheDocument();
  });

  it('does not let a replica that is not ready be chosen', async () => {
    await renderForEntity(<DataTab />, {
      entity: databaseResource,
      api: api({ getCluster: async () => clusterIn('degraded') }),
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Switch over' }),
    );
    expect(
      await screen.findByRole('radio', {
        name: 'orders-db-2 on node-c, not ready',
      }),
    ).toBeDisabled();
    expect(
      screen.getByRole('radio', { name: 'orders-db-1 on node-b, caught up' }),
    ).toBeEnabled();
  });
});
