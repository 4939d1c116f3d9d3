import { Entity } from '@backstage/catalog-model';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import {
  clusterIn,
  componentWith,
  databaseResource,
} from '../__testUtils__/clusters';
import { renderForEntity } from '../__testUtils__/renderCard';
import {
  clusterBackupsCard,
  clusterEventsCard,
  clusterHealthCard,
  clusterLogsCard,
} from './entityCards';
import { databaseEntityContent } from './entityContent';

const matching: [string, Entity][] = [
  ['a database Resource', databaseResource],
  ['a Component with a Basalt database', componentWith('payments/orders-db')],
];
const notMatching: [string, Entity][] = [
  ['a Component without Basalt databases', componentWith()],
  [
    'a Resource that is not a Basalt cluster',
    { ...databaseResource, metadata: { name: 'bucket', annotations: {} } },
  ],
  [
    'a Component with a malformed databases annotation',
    {
      ...componentWith(),
      metadata: {
        name: 'broken',
        annotations: { 'basalt.dev/databases': 'orders-db' },
      },
    },
  ],
];

const api = {
  getCluster: async () => clusterIn('ready'),
  listClusterEvents: async () => [],
  streamClusterLogs: async () => undefined,
};

type EntityCard = typeof clusterHealthCard;

describe.each([
  ['health card', clusterHealthCard, 'Database health'],
  [
    'backups card',
    clusterBackupsCard as unknown as EntityCard,
    'Database backups',
  ],
  ['logs card', clusterLogsCard as unknown as EntityCard, 'Database logs'],
  [
    'events card',
    clusterEventsCard as unknown as EntityCard,
    'Database events',
  ],
])('the %s', (_, card, title) => {
  const tester = () => createExtensionTester(card);

  it.each(matching)('renders on %s', async (_label, entity) => {
    const filter = tester().get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter!(entity)).toBe(true);

    await renderForEntity(tester().reactElement(), { entity, api });
    expect(
      await screen.findByRole('heading', { name: title }),
    ).toBeInTheDocument();
  });

  it.each(notMatching)('is absent on %s', (_label, entity) => {
    const filter = tester().get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter!(entity)).toBe(false);
  });
});

describe('the Data tab', () => {
  it('is titled Data at /database and matches like the cards', () => {
    const tester = createExtensionTester(databaseEntityContent);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Data');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(matching.map(([, entity]) => filter!(entity))).toEqual([true, true]);
    expect(notMatching.map(([, entity]) => filter!(entity))).toEqual([
      false,
      false,
      false,
    ]);
  });
});
