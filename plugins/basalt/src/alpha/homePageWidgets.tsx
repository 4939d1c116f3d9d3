import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { z } from 'zod';

// Widgets for the home page (`page:home` of @backstage/plugin-home). Each
// `name` is what the home page's `defaultConfig` places it by.

/** Home page widget: the user's team's databases and their health. */
export const teamDatabasesWidget = HomePageWidgetBlueprint.make({
  name: 'team-databases',
  params: {
    name: 'BasaltTeamDatabases',
    title: "Your team's databases",
    description:
      'The databases your team owns, their health, and why when they are not healthy',
    components: () =>
      import('../components/TeamDatabasesWidget').then(m => ({
        Content: m.TeamDatabasesWidget,
      })),
    layout: { width: { minColumns: 4 }, height: { minRows: 3 } },
  },
});

/** Home page widget: the latest events of the user's team's databases. */
export const teamEventsWidget = HomePageWidgetBlueprint.make({
  name: 'team-events',
  params: {
    name: 'BasaltTeamEvents',
    title: 'Recent database events',
    description:
      "What happened lately to your team's databases: creations, failovers, backups, warnings",
    components: () =>
      import('../components/TeamEventsWidget').then(m => ({
        Content: m.TeamEventsWidget,
      })),
    layout: { width: { minColumns: 4 }, height: { minRows: 3 } },
  },
});

/**
 * Home page widget: the golden templates that create databases, i.e. the
 * catalog's Templates with the tag in its `tag` config (`basalt` by
 * default).
 */
export const goldenTemplatesWidget = HomePageWidgetBlueprint.makeWithOverrides({
  name: 'golden-templates',
  configSchema: {
    tag: z.string().default('basalt'),
  },
  *factory(originalFactory, { config }) {
    yield* originalFactory({
      name: 'BasaltGoldenTemplates',
      title: 'Golden templates',
      description: 'Self-service databases from the platform team',
      components: () =>
        import('../components/GoldenTemplatesWidget').then(m => ({
          Content: () => <m.GoldenTemplatesWidget tag={config.tag} />,
        })),
      layout: { width: { minColumns: 3 }, height: { minRows: 3 } },
    });
  },
});
