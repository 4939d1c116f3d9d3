import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ClusterRef, ClusterResource } from '@basalt/plugin-basalt-common';
import {
  clusterIn,
  componentWith,
  offeringsWith,
  postgresCapabilities,
} from '../../__testUtils__/clusters';
import { renderForEntity } from '../../__testUtils__/renderCard';
import { useClusterNoun } from '../../hooks/useClusterKind';
import { EntityClusterCard } from './EntityClusterCard';

/** A PostgreSQL database `orders-db`, and `sessions` of a cache engine. */
const api = {
  getOfferings: async () => {
    const offerings = offeringsWith();
    const [postgresql] = offerings.engines;
    offerings.engines.push({
      ...postgresql,
      engine: 'keyvalue',
      capabilities: { ...postgresCapabilities, kind: 'cache' },
    });
    return offerings;
  },
  getCluster: async (ref: ClusterRef): Promise<ClusterResource> => {
    const cluster = clusterIn('ready');
    const engine = ref.name === 'sessions' ? 'keyvalue' : 'postgresql';
    return {
      ...cluster,
      metadata: { ...cluster.metadata, name: ref.name },
      spec: { ...cluster.spec, engine },
    };
  },
};

function Noun() {
  return <p>Shows a {useClusterNoun()}</p>;
}

describe('EntityClusterCard', () => {
  it("titles the card and speaks in the chosen cluster's engine's words", async () => {
    await renderForEntity(
      <EntityClusterCard aspect="health">{() => <Noun />}</EntityClusterCard>,
      {
        entity: componentWith('payments/orders-db', 'payments/sessions'),
        api,
      },
    );

    expect(
      await screen.findByRole('heading', { name: 'Database health' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Shows a database')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: /payments\/orders-db/ }),
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'payments/sessions' }),
    );

    expect(
      await screen.findByRole('heading', { name: 'Cache health' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Shows a cache')).toBeInTheDocument();
  });

  it('names only what it shows while the engine is unknown', async () => {
    await renderForEntity(
      <EntityClusterCard aspect="logs">{() => <Noun />}</EntityClusterCard>,
      {
        entity: componentWith('payments/orders-db'),
        api: {
          getCluster: async () => Promise.reject(new Error('unreachable')),
        },
      },
    );

    expect(
      await screen.findByRole('heading', { name: 'Logs' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Shows a cluster')).toBeInTheDocument();
  });
});
