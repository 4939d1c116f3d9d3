import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /** Basalt clusters as catalog Resources. */
      basalt?: {
        /**
         * How often the clusters are read from Basalt and published.
         * Default: every 5 seconds, with a 1 minute timeout.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * The entity whose TechDocs every database Resource's docs tab shows
         * (the `backstage.io/techdocs-entity` annotation). Default:
         * `component:default/basalt`; `false` adds none.
         */
        techdocsEntity?: string | false;
        /**
         * The page of the runbooks, to which each Resource's links add a
         * section's anchor. Default: the operations page of
         * `techdocsEntity`'s TechDocs in the portal,
         * `<app.baseUrl>/docs/<namespace>/<kind>/<name>/operations/`;
         * `false` adds no links.
         */
        runbooksUrl?: string | false;
      };
    };
  };
}
