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
      };
    };
  };
}
