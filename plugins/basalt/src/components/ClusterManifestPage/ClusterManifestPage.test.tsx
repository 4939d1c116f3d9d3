import { ResponseError } from '@backstage/errors';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { BasaltApi } from '@basalt/plugin-basalt-common';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { basaltApiRef } from '../../api';
import { ClusterManifest } from './ClusterManifestPage';

const YAML = `# Database as code: the declared state of this Basalt cluster.
apiVersion: basalt.dev/v1alpha1
kind: EngineCluster
metadata:
  name: orders-db
  namespace: payments
spec:
  engine: postgresql
`;

const ref = { namespace: 'payments', name: 'orders-db' };

function render(api: Partial<BasaltApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[basaltApiRef, api]]}>
      <ClusterManifest cluster={ref} />
    </TestApiProvider>,
  );
}

describe('ClusterManifest', () => {
  it('shows the manifest the API answers', async () => {
    const getClusterManifest = jest.fn().mockResolvedValue(YAML);
    await render({ getClusterManifest });

    const shown = await screen.findByLabelText(
      'Manifest of payments/orders-db',
    );
    expect(shown.textContent).toBe(YAML);
    expect(getClusterManifest).toHaveBeenCalledWith(ref);
    expect(
      screen.getByRole('heading', { name: 'Manifest of payments/orders-db' }),
    ).toBeInTheDocument();
  });

  it('copies it', async () => {
    const writeText = jest.fn().mockResolvedValue(undefined);
    Object.assign(navigator, { clipboard: { writeText } });
    await render({ getClusterManifest: async () => YAML });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Copy the manifest of payments/orders-db',
      }),
    );
    expect(writeText).toHaveBeenCalledWith(YAML);
    expect(await screen.findByText('Copied')).toBeInTheDocument();
  });

  it('downloads it as <name>.yaml', async () => {
    const blobs: Blob[] = [];
    const downloads: string[] = [];
    URL.createObjectURL = jest.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:manifest';
    });
    URL.revokeObjectURL = jest.fn();
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        downloads.push(`${this.download} ${this.getAttribute('href')}`);
      });
    try {
      await render({ getClusterManifest: async () => YAML });
      await userEvent.click(
        await screen.findByRole('button', {
          name: 'Download the manifest of payments/orders-db as orders-db.yaml',
        }),
      );
      expect(downloads).toEqual(['orders-db.yaml blob:manifest']);
      expect(blobs).toHaveLength(1);
      expect(blobs[0].type).toBe('application/yaml');
      expect(await blobs[0].text()).toBe(YAML);
    } finally {
      click.mockRestore();
    }
  });

  it('says why it could not be loaded, with a retry', async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'NotAllowedError', message: 'Not allowed' },
      }),
      { status: 403, headers: { 'Content-Type': 'application/json' } },
    );
    const getClusterManifest = jest
      .fn()
      .mockRejectedValueOnce(await ResponseError.fromResponse(response))
      .mockResolvedValue(YAML);
    await render({ getClusterManifest });

    expect(
      await screen.findByText(
        'The manifest of payments/orders-db could not be loaded',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/not allowed to see this cluster/)).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByLabelText('Manifest of payments/orders-db'),
    ).toHaveTextContent('kind: EngineCluster');
  });
});
