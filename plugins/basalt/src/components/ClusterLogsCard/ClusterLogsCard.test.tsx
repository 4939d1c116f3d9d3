import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  BasaltApi,
  ClusterLogLine,
  ClusterLogsHandlers,
} from '@basalt/plugin-basalt-common';
import { clusterIn, databaseResource } from '../../__testUtils__/clusters';
import { renderForEntity } from '../../__testUtils__/renderCard';
import { ClusterLogsCard } from './ClusterLogsCard';

const line = (
  message: string,
  level: ClusterLogLine['level'] = 'info',
  instance = 'orders-db-0',
): ClusterLogLine => ({ instance, level, message });

/**
 * A log stream the test writes to: it opens, sends `initial`, and then
 * whatever `write` is given until the card aborts it.
 */
function controllableStream(initial: ClusterLogLine[]) {
  let handlers: ClusterLogsHandlers | undefined;
  const streamClusterLogs = jest.fn<
    ReturnType<BasaltApi['streamClusterLogs']>,
    Parameters<BasaltApi['streamClusterLogs']>
  >(async (_ref, _query, h, options) => {
    handlers = h;
    h.onOpen?.();
    initial.forEach(l => h.onLine(l));
    await new Promise<void>(resolve =>
      options?.signal?.addEventListener('abort', () => resolve()),
    );
  });
  return {
    streamClusterLogs,
    write: (l: ClusterLogLine) => handlers?.onLine(l),
  };
}

const lines = [
  line('database system is ready to accept connections'),
  line('could not receive data from client', 'warning'),
  line('relation "missing" does not exist', 'error', 'orders-db-1'),
];

async function renderLogs(stream: Partial<BasaltApi>) {
  await renderForEntity(<ClusterLogsCard />, {
    entity: databaseResource,
    api: { getCluster: async () => clusterIn('ready'), ...stream },
  });
}

describe('ClusterLogsCard', () => {
  it('shows the recent lines and then new ones as they are written', async () => {
    const stream = controllableStream(lines);
    await renderLogs(stream);

    expect(
      await screen.findByText(/database system is ready/),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Stream status')).toHaveTextContent('Live');

    stream.write(line('checkpoint complete'));
    expect(await screen.findByText(/checkpoint complete/)).toBeInTheDocument();
    expect(stream.streamClusterLogs).toHaveBeenCalledWith(
      { namespace: 'payments', name: 'orders-db' },
      { instance: undefined, tail: 200, follow: true },
      expect.anything(),
      expect.anything(),
    );
  });

  it('filters by level and by text', async () => {
    await renderLogs(controllableStream(lines));
    await screen.findByText(/database system is ready/);

    await userEvent.click(screen.getByRole('button', { name: /Level/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Warnings and above' }),
    );
    await waitFor(() =>
      expect(
        screen.queryByText(/database system is ready/),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByText(/could not receive data/)).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText('Search the logs'), 'missing');
    await waitFor(() =>
      expect(
        screen.queryByText(/could not receive data/),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByText(/relation "missing"/)).toBeInTheDocument();
    expect(screen.getByLabelText('Stream status')).toHaveTextContent(
      '1 of 3 lines shown',
    );
  });

  it('pauses by closing the stream and resumes by opening it again', async () => {
    const stream = controllableStream(lines);
    await renderLogs(stream);
    await screen.findByText(/database system is ready/);

    await userEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(screen.getByLabelText('Stream status')).toHaveTextContent('Paused');
    const [, , , options] = stream.streamClusterLogs.mock.calls[0];
    expect(options?.signal?.aborted).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() =>
      expect(stream.streamClusterLogs).toHaveBeenCalledTimes(2),
    );
  });

  it('follows one instance when chosen', async () => {
    const stream = controllableStream(lines);
    await renderLogs(stream);
    await screen.findByText(/database system is ready/);

    await userEvent.click(screen.getByRole('button', { name: /Instance/ }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'orders-db-1' }),
    );
    await waitFor(() =>
      expect(stream.streamClusterLogs).toHaveBeenLastCalledWith(
        expect.anything(),
        { instance: 'orders-db-1', tail: 200, follow: true },
        expect.anything(),
        expect.anything(),
      ),
    );
  });

  it('says when there are no lines yet', async () => {
    await renderLogs(controllableStream([]));

    expect(await screen.findByText(/No log lines yet/)).toBeInTheDocument();
  });

  it('says the connection is lost and keeps retrying', async () => {
    const streamClusterLogs = jest
      .fn()
      .mockRejectedValue(new Error('Request failed with 503'));
    await renderLogs({ streamClusterLogs });

    expect(
      await screen.findByText(/Connection lost; reconnecting…/),
    ).toBeInTheDocument();
    expect(screen.getByText(/Request failed with 503/)).toBeInTheDocument();
  });
});
