import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { BasaltApi, HealthReport } from '@basalt/plugin-basalt-common';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { basaltApiRef } from '../../api';
import { BackendHealthCard } from './BackendHealthCard';

function renderWith(getHealth: BasaltApi['getHealth']) {
  return renderInTestApp(
    <TestApiProvider apis={[[basaltApiRef, { getHealth }]]}>
      <BackendHealthCard />
    </TestApiProvider>,
  );
}

const passing: HealthReport = {
  status: 'ok',
  checks: [
    {
      name: 'database',
      status: 'pass',
      message: 'better-sqlite3 answered',
      durationMs: 2,
    },
  ],
};

describe('BackendHealthCard', () => {
  it('says the backend is healthy and lists its checks', async () => {
    await renderWith(async () => passing);

    expect(
      await screen.findByText('The Basalt backend is healthy'),
    ).toBeInTheDocument();
    expect(screen.getByText('database')).toBeInTheDocument();
    expect(screen.getByText('better-sqlite3 answered')).toBeInTheDocument();
    expect(screen.getByText('Passing · 2 ms')).toBeInTheDocument();
  });

  it('says how many checks fail and why', async () => {
    await renderWith(async () => ({
      status: 'failing',
      checks: [
        ...passing.checks,
        {
          name: 'runtime-local',
          status: 'fail',
          message: 'no PostgreSQL binaries',
          durationMs: 1,
        },
      ],
    }));

    expect(
      await screen.findByText(
        'The Basalt backend is failing: 1 of 2 checks fail',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('no PostgreSQL binaries')).toBeInTheDocument();
    expect(screen.getByText('Failing · 1 ms')).toBeInTheDocument();
  });

  it('tells the user what to do when the backend cannot be reached, and retries', async () => {
    const getHealth = jest
      .fn<Promise<HealthReport>, []>()
      .mockRejectedValueOnce(new Error('Request failed with 502 Bad Gateway'))
      .mockResolvedValueOnce(passing);
    await renderWith(getHealth);

    expect(
      await screen.findByText('The Basalt backend could not be reached'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Request failed with 502 Bad Gateway/),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Check again' }));

    await waitFor(() =>
      expect(
        screen.getByText('The Basalt backend is healthy'),
      ).toBeInTheDocument(),
    );
    expect(getHealth).toHaveBeenCalledTimes(2);
  });
});
