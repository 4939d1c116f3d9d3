import {
  createExtensionTester,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { basaltApiRef } from '../api';
import { basaltPage } from './pages';

describe('basaltPage', () => {
  it('renders the Basalt page with the backend health', async () => {
    const getHealth = jest.fn().mockResolvedValue({ status: 'ok', checks: [] });
    const listClusters = jest.fn().mockResolvedValue([]);
    const listNodes = jest.fn().mockResolvedValue([]);
    const page = createExtensionTester(basaltPage).reactElement();

    await renderInTestApp(
      <TestApiProvider
        apis={[[basaltApiRef, { getHealth, listClusters, listNodes }]]}
      >
        {page}
      </TestApiProvider>,
    );

    expect(
      await screen.findByText('The Basalt backend is healthy'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Basalt', level: 1 }),
    ).toBeInTheDocument();
    expect(getHealth).toHaveBeenCalled();
  });
});
