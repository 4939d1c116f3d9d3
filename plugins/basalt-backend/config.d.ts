import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Basalt backend plugin. */
  basalt?: {
    /** `GET /api/basalt/health`. */
    health?: {
      /**
       * How long each health check may take before it is reported as failed,
       * as a duration object or an ISO 8601 / human string (`5s`).
       * Default: 5 seconds.
       */
      checkTimeout?: HumanDuration | string;
    };
  };
}
