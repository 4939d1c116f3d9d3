import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { z } from 'zod';
import { hasBasaltClusters, needsBasaltDatabase } from '../entity';

// Each card appears on database Resources (`basalt.dev/cluster`) and on
// Components that Basalt databases serve (`basalt.dev/databases`), and
// nowhere else.

/** Entity card: the health of the entity's database(s). */
export const clusterHealthCard = EntityCardBlueprint.make({
  name: 'cluster-health',
  params: {
    filter: hasBasaltClusters,
    loader: () =>
      import('../components/ClusterHealthCard').then(m => (
        <m.ClusterHealthCard />
      )),
  },
});

/** Entity card: the backups of the entity's database(s). */
export const clusterBackupsCard = EntityCardBlueprint.make({
  name: 'cluster-backups',
  params: {
    filter: hasBasaltClusters,
    loader: () =>
      import('../components/ClusterBackupsCard').then(m => (
        <m.ClusterBackupsCard />
      )),
  },
});

/** Entity card: a live tail of the entity's database logs. */
export const clusterLogsCard = EntityCardBlueprint.make({
  name: 'cluster-logs',
  params: {
    filter: hasBasaltClusters,
    loader: () =>
      import('../components/ClusterLogsCard').then(m => <m.ClusterLogsCard />),
  },
});

/** Entity card: the operation history of the entity's database(s). */
export const clusterEventsCard = EntityCardBlueprint.make({
  name: 'cluster-events',
  params: {
    filter: hasBasaltClusters,
    loader: () =>
      import('../components/ClusterEventsCard').then(m => (
        <m.ClusterEventsCard />
      )),
  },
});

/**
 * Entity card on Components no Basalt database serves: an invitation to add
 * one through the golden template in its `template` config (an entity ref,
 * `template:default/postgresql-database` by default), with the component
 * filled in.
 */
export const addDatabaseCard = EntityCardBlueprint.makeWithOverrides({
  name: 'add-database',
  configSchema: {
    template: z.string().default('template:default/postgresql-database'),
  },
  factory(originalFactory, { config }) {
    return originalFactory({
      filter: needsBasaltDatabase,
      loader: () =>
        import('../components/AddDatabaseCard').then(m => (
          <m.AddDatabaseCard template={config.template} />
        )),
    });
  },
});
