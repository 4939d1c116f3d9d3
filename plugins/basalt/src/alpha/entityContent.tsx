import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { hasBasaltClusters } from '../entity';

/** The "Database" entity tab: the full view and day-2 operations. */
export const databaseEntityContent = EntityContentBlueprint.make({
  name: 'database',
  params: {
    path: '/database',
    title: 'Database',
    group: 'operation',
    filter: hasBasaltClusters,
    loader: () =>
      import('../components/DatabaseTab').then(m => <m.DatabaseTab />),
  },
});
