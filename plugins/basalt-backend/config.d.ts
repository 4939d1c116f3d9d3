import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Basalt backend plugin. */
  basalt?: {
    /** `GET /api/basalt/health`. */
    health?: {
      /**
       * How long each health check may take before it is reported as failed,
       * as a duration object or a string (`5s`, `PT5S`). Default: 5 seconds.
       */
      checkTimeout?: HumanDuration | string;
    };
    /** The lifecycle controller. */
    controller?: {
      /**
       * How often every cluster is reconciled even when nothing triggered it.
       * Default: 10 seconds.
       */
      resyncInterval?: HumanDuration | string;
      /** How many clusters are reconciled at the same time. Default: 4. */
      concurrency?: number;
      /**
       * How long a backend's leadership lasts without renewal; another
       * backend on the same database takes over after it. Default: three
       * resync intervals, at least 15 seconds.
       */
      leaseDuration?: HumanDuration | string;
    };
    /** Where instances run. */
    runtimes?: {
      /** The embedded default: engine processes on this host. */
      local?: {
        /**
         * Directory for instance data, endpoint state and credentials,
         * relative to the backend's working directory. Default: `.basalt/local`.
         */
        rootDir?: string;
        /**
         * Unprivileged user the engines run as when the backend runs as
         * root (engines refuse to run as root). Default: `nobody`.
         */
        user?: string;
        /**
         * Virtual nodes instances are spread over; replicas of one cluster
         * never share a node. Default: `node-a`, `node-b`, `node-c`.
         */
        nodes?: string[];
        /** Ports instances and endpoints listen on (127.0.0.1 only). Default: 15432–16431. */
        ports?: {
          from: number;
          to: number;
        };
        /** PostgreSQL programs. */
        postgresql?: {
          /**
           * Directory with `initdb`, `postgres` and `pg_basebackup`.
           * Default: `/usr/lib/postgresql/15/bin` (Debian's postgresql package).
           */
          binDir?: string;
        };
      };
    };
  };
}
