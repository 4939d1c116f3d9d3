import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { hasBasaltClusters } from '../entity';

/**
 * The "Data" entity tab: the full view of the entity's clusters and their
 * day-2 operations. Its id (`entity-content:basalt/database`) and path keep
 * the names they had when PostgreSQL was the only engine, so configuration
 * and links that name them still work.
 */
export const databaseEntityContent = EntityContentBlueprint.make({
  name: 'database',
  params: {
    path: '/database',
    title: 'Data',
    group: 'operation',
    filter: hasBasaltClusters,
    loader: () => import('../components/DataTab').then(m => <m.DataTab />),
  },
});
