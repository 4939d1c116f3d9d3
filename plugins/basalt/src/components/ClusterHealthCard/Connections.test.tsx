import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  clusterOfItsOwn,
  databaseResource,
} from '../../__testUtils__/clusters';
import { renderForEntity } from '../../__testUtils__/renderCard';
import { ClusterHealthCard } from './ClusterHealthCard';

describe('connecting from the health card', () => {
  it('shows the URL and settings of each account, and copies the URL', async () => {
    const writeText = jest.fn().mockResolvedValue(undefined);
    Object.assign(navigator, { clipboard: { writeText } });
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: {},
    });

    expect(await screen.findByLabelText('URL of app')).toHaveTextContent(
      'postgresql://app@127.0.0.1:15432/orders',
    );
    expect(
      screen.getByText('host=127.0.0.1 port=15432 dbname=orders user=app'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Reads can go to the replicas: postgresql://app@127.0.0.1:15433/orders',
      ),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Copy the URL of app' }),
    );
    expect(writeText).toHaveBeenCalledWith(
      'postgresql://app@127.0.0.1:15432/orders',
    );
    expect(
      await screen.findByRole('button', { name: 'Copy the URL of app' }),
    ).toHaveTextContent('Copied');
  });

  it('reveals a password on demand to those allowed, and hides it again', async () => {
    const revealPassword = jest
      .fn()
      .mockResolvedValue({ account: 'app', password: 's3cret-Pa55' });
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { revealPassword },
    });

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Reveal the password of app',
      }),
    );

    expect(await screen.findByLabelText('password of app')).toHaveTextContent(
      's3cret-Pa55',
    );
    expect(revealPassword).toHaveBeenCalledWith(
      expect.objectContaining({ namespace: 'payments', name: 'orders-db' }),
      'app',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Hide' }));
    await waitFor(() =>
      expect(screen.queryByText('s3cret-Pa55')).not.toBeInTheDocument(),
    );
  });

  it('offers no reveal to those without basalt.cluster.credentials.read', async () => {
    const revealPassword = jest.fn();
    const { cluster, entity } = clusterOfItsOwn();
    await renderForEntity(<ClusterHealthCard />, {
      entity,
      api: { getCluster: async () => cluster, revealPassword },
      permission: AuthorizeResult.DENY,
    });

    expect(await screen.findByLabelText('URL of app')).toBeInTheDocument();
    expect(
      await screen.findByText(/shown only to those allowed to read/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Reveal the password/ }),
    ).not.toBeInTheDocument();
    expect(revealPassword).not.toHaveBeenCalled();
  });

  it('rotates a password after saying what it breaks, for those who may update', async () => {
    const rotatePassword = jest
      .fn()
      .mockResolvedValue({ account: 'app', rotatedAt: '2026-12-07T08:00:00Z' });
    await renderForEntity(<ClusterHealthCard />, {
      entity: databaseResource,
      api: { rotatePassword },
    });

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Rotate the password of app',
      }),
    );
    expect(await screen.findByRole('dialog')).toHaveTextContent(
      'Applications connecting as app fail until they use the new password.',
    );
    expect(rotatePassword).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole('button', { name: 'Rotate' }));

    expect(
      await screen.findByText(/Rotated: app has a new password/),
    ).toBeInTheDocument();
    expect(rotatePassword).toHaveBeenCalledWith(
      expect.objectContaining({ namespace: 'payments', name: 'orders-db' }),
      'app',
    );
  });

  it('offers no rotation to those who may not update the cluster', async () => {
    const { cluster, entity } = clusterOfItsOwn();
    await renderForEntity(<ClusterHealthCard />, {
      entity,
      api: { getCluster: async () => cluster },
      permission: AuthorizeResult.DENY,
    });

    expect(await screen.findByLabelText('URL of app')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Rotate the password/ }),
    ).not.toBeInTheDocument();
  });
});
