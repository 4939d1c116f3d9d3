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
      /**
       * How lost primaries of replicated clusters with automatic failover
       * are noticed between reconciles (a process that exits is noticed at
       * once). A primary is lost after `failureThreshold` probes in a row,
       * `probeInterval` apart, each failing or taking longer than
       * `probeTimeout`; a primary slower than that but answering within it
       * keeps its role.
       */
      ha?: {
        /** Default: 250 milliseconds. */
        probeInterval?: HumanDuration | string;
        /** Default: 500 milliseconds. */
        probeTimeout?: HumanDuration | string;
        /** Default: 3. */
        failureThreshold?: number;
        /**
         * How many failovers run at the same time. They have slots of their
         * own, apart from `concurrency`: a lost primary never waits behind
         * other clusters' reconciles. Default: 4.
         */
        failoverConcurrency?: number;
      };
      /** How many clusters are reconciled at the same time. Default: 4. */
      concurrency?: number;
      /**
       * How long a backend's leadership lasts without renewal; another
       * backend on the same database takes over after it. Default: three
       * resync intervals, at least 15 seconds.
       */
      leaseDuration?: HumanDuration | string;
      /**
       * Volume protection: above `highWatermark` percent full on any
       * instance's volume, the primary refuses writes; below
       * `lowWatermark`, it takes them again. Defaults 90 and 80.
       */
      volumeProtection?: {
        highWatermark?: number;
        lowWatermark?: number;
      };
    };
    /**
     * Backups: where they are kept, and how often the backend looks after
     * them.
     */
    backups?: {
      /**
       * Backup repositories by name (lowercase letters, digits and dashes).
       * A manifest picks one with `spec.backup.repository`, `default` unless
       * it says otherwise, so name one `default`. When none is configured
       * there is one: `default`, a filesystem repository at
       * `backups` beside the local runtime's `rootDir` (`.basalt/backups`
       * by default). Each
       * cluster's backups and archived WAL go under
       * `<namespace>/<name>/<uid>/` in it.
       */
      repositories?: {
        [name: string]:
          | {
              /** A directory on the backend's host. */
              type: 'filesystem';
              /**
               * Absolute path of the directory; created (mode 0700) when
               * absent.
               */
              path: string;
            }
          | {
              /**
               * An S3-compatible bucket (AWS S3, MinIO, Huawei OBS, …),
               * written with multipart uploads.
               */
              type: 's3';
              /**
               * The service's base URL (http or https, without credentials),
               * e.g. `http://127.0.0.1:9000`. Default: AWS's regional
               * endpoint.
               */
              endpoint?: string;
              /** e.g. `us-east-1`, or the region the service expects. */
              region: string;
              bucket: string;
              /**
               * Key prefix within the bucket, without leading or trailing
               * slashes, e.g. `basalt/prod`. Default: none.
               */
              prefix?: string;
              /**
               * Access key id.
               * @visibility secret
               */
              accessKeyId: string;
              /**
               * Secret access key.
               * @visibility secret
               */
              secretAccessKey: string;
              /**
               * Address the bucket as `endpoint/bucket` rather than
               * `bucket.endpoint`, as MinIO and most self-hosted services
               * need. Default: false.
               */
              forcePathStyle?: boolean;
            };
      };
      /**
       * How often housekeeping runs (on one backend at a time): starts the
       * scheduled backups that are due, fails backups whose backend
       * stopped, and applies retention. Default: 30 seconds.
       */
      housekeepingInterval?: HumanDuration | string;
      /**
       * How often the leader moves the log files (PostgreSQL's WAL) that
       * instances have completed into their cluster's repository, and
       * checks that each streamed log follows its cluster's primary.
       * Default: 5 seconds.
       */
      logArchiveInterval?: HumanDuration | string;
      /**
       * The former name of `logArchiveInterval`, read when that is not set.
       *
       * @deprecated use `logArchiveInterval`; this key goes in the next release.
       */
      walArchiveInterval?: HumanDuration | string;
    };
    /**
     * Golden engine templates by name: tuned parameters and a security
     * baseline for one engine, applied when a manifest names one in
     * `spec.template` (the manifest's own parameters win).
     */
    engineTemplates?: {
      [name: string]: {
        /** An installed engine's id, e.g. `postgresql`. */
        engine: string;
        description?: string;
        /**
         * Tuned engine parameters, e.g. `max_connections: '200'`; each must
         * be one the engine declares (`GET /api/basalt/offerings`, or
         * `basalt.engines`). A manifest's own values win unless locked.
         */
        parameters?: { [name: string]: string };
        /**
         * The only parameters a manifest of this template may set. Default:
         * every parameter the engine declares.
         */
        allowedParameters?: string[];
        /** Parameters whose template value a manifest may not change. Default: none. */
        lockedParameters?: string[];
      };
    };
    /**
     * Per installed engine (`postgresql`), what the platform team adds to
     * the parameters a manifest may set. An added definition of a name the
     * engine already declares replaces it. A definition may never name a
     * command, library, path or a setting Basalt manages: the backend
     * refuses to start with one.
     */
    engines?: {
      [engine: string]: {
        parameters?: {
          [name: string]: {
            /** `integer`, `real`, `bool`, `enum` or `string`. */
            type: string;
            /** `reload` (applied in place) or `restart` (a rolling restart). */
            apply: string;
            description?: string;
            /** integer and real: the allowed range (in `baseUnit` for integers). */
            min?: number;
            max?: number;
            /** integer: `memory` or `time`, when the value may carry a unit. */
            unit?: string;
            /** integer with a unit: the engine's base unit, e.g. `kB`, `8kB`, `ms`, `s`. */
            baseUnit?: string;
            /** enum: the allowed values. */
            values?: string[];
            /** string: a regular expression the whole value must match. */
            pattern?: string;
            /** string: the longest value. */
            maxLength?: number;
            /** Whether region profiles may forbid it or its values. Default: false. */
            profileMayForbid?: boolean;
          };
        };
      };
    };
    /**
     * Region compliance profiles by name, applied when a manifest names one
     * in `spec.profile`; a manifest that breaks one is refused with the rule.
     */
    profiles?: {
      [name: string]: {
        description?: string;
        /** Runtime its clusters run on. Default: `local`. */
        runtime?: string;
        /** Allowed engines, each with its allowed versions, e.g. `postgresql: ['15']`. */
        engines: { [engine: string]: string[] };
        /** Most instances a cluster may have. Default: 9. */
        maxReplicas?: number;
        /**
         * `required`: clients must use TLS (plain connections are refused);
         * `optional`: TLS is offered and plain connections are allowed.
         * Every cluster gets its own CA and server certificate either way.
         * Default: `optional`.
         */
        tls?: 'required' | 'optional';
        /**
         * CIDRs clients may connect from, enforced by the engine's own
         * access rules (`pg_hba.conf`); the backend refuses to start with
         * one that is not a CIDR or has host bits set. Default:
         * `['127.0.0.1/32']`.
         */
        allowedNetworks?: string[];
        /** Backups every cluster gets; a manifest may not set other values. */
        backup?: {
          /** Cron expression, e.g. `0 2 * * *`. */
          schedule?: string;
          /** e.g. `7d`. */
          retention?: string;
        };
        /**
         * Rules on `spec.parameters` per engine, e.g.
         * `postgresql: { forbiddenValues: { fsync: ['off'] } }`. Only
         * parameters whose definition says a profile may forbid them can be
         * forbidden; any declared one can be pinned.
         */
        parameters?: {
          [engine: string]: {
            /** Parameters a manifest may not set. Default: none. */
            forbidden?: string[];
            /** Values a manifest may not give, by parameter. Default: none. */
            forbiddenValues?: { [name: string]: string[] };
            /** Values every cluster gets; a manifest may not differ. Default: none. */
            pinned?: { [name: string]: string };
          };
        };
      };
    };
    /**
     * What the size classes `s`, `m` and `l` (`spec.resources.class`) stand
     * for, per instance. Default: s = 1 CPU / 1Gi, m = 2 / 4Gi, l = 4 / 16Gi.
     * They size the engine (PostgreSQL's memory settings and connections)
     * and are enforced: cgroup v1 cpu and memory groups on the local runtime
     * (as root), Pod requests and limits on Kubernetes; the clusters'
     * ResourceLimitsEnforced condition says where they cannot be.
     */
    resourceClasses?: {
      [name: string]: { cpu: string; memory: string };
    };
    /**
     * Volume pools by name (`spec.storage.pool`, `default` unless a manifest
     * says otherwise): the node-local storage each instance's volume is
     * carved from. Placement fits every volume into its node's capacity and
     * throughput budgets (physical × over-allocation ratio) and volume
     * limit, one instance of a cluster per node. When none is configured
     * there is one, `default`, on every local node, with the defaults below.
     * Pool-level values apply to every node; `nodes.<node>` entries may
     * override any of them, and a pool with `nodes` is on those nodes only.
     */
    volumePools?: {
      [pool: string]: VolumePoolSettings & {
        /** Per-node overrides; without it, the pool is on every node. */
        nodes?: { [node: string]: VolumePoolSettings };
      };
    };
    /**
     * Every cluster's own CA and server certificate (see
     * docs/configuration.md): the server certificate is renewed from the
     * same CA when it is this close to expiry.
     */
    tls?: {
      /** Validity of a new server certificate, in days. Default: 365. */
      serverCertificateValidityDays?: number;
      /**
       * How many days before its expiry a server certificate is renewed;
       * less than the validity. Default: 30.
       */
      renewBeforeDays?: number;
    };
    /** Where instances run. */
    runtimes?: {
      /**
       * Engines as Pods on a Kubernetes cluster, for region profiles with
       * `runtime: kubernetes`. See docs/kubernetes.md.
       */
      kubernetes?: {
        /**
         * A kubeconfig file. Default: the Pod's service account when the
         * backend runs in a cluster, else the default kubeconfig
         * (`$KUBECONFIG` or `~/.kube/config`).
         */
        kubeconfig?: string;
        /** The kubeconfig context to use. Default: its current context. */
        context?: string;
        /** Use the Pod's service account even when a kubeconfig is set. */
        inCluster?: boolean;
        /** The Kubernetes namespace clusters go to. Default: `basalt`. */
        namespace?: string;
        /**
         * Kubernetes namespaces for particular Basalt namespaces, e.g.
         * `payments: payments-data`; the others go to `namespace`.
         */
        namespaces?: { [basaltNamespace: string]: string };
        /**
         * How the backend reaches engines: `podNetwork` (Pod IPs; the
         * backend runs in the cluster) or `portForward` (through the API
         * server). Default: `podNetwork` in a cluster, else `portForward`.
         */
        access?: 'podNetwork' | 'portForward';
        /**
         * When nodes pull the engines' images (Kubernetes'
         * `imagePullPolicy`): `Never` for images placed on the nodes
         * beforehand (an air-gapped cluster). Default: Kubernetes' default
         * for the image's tag.
         */
        imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
        /**
         * Where engines listen: `pod` (each Pod on its own IP of the Pod
         * network, on the engine's standard port) or `host` (each Pod on
         * its node's network, `hostNetwork`, on a port of its own from
         * `hostPorts`). Existing instances keep the mode they were made in.
         * Default: `pod`.
         */
        network?: 'pod' | 'host';
        /**
         * The ports engines listen on in `host` network mode, `FROM-TO`;
         * one per instance on its node, kept for the instance's life. Keep
         * the range free of other listeners on the nodes. Default:
         * `15000-15999`.
         */
        hostPorts?: string;
        /** Only Nodes matching this label selector take instances. */
        nodeSelector?: string;
        /** The cluster's DNS domain, for endpoint names. Default: `cluster.local`. */
        clusterDomain?: string;
        /**
         * How long a new Pod may take to run (pulling its image) and its
         * engine to become ready. Default: 5 minutes.
         */
        podStartTimeout?: HumanDuration | string;
        /**
         * Image per installed engine. Default: each driver's official
         * image (`postgresql: postgres:15`).
         */
        images?: { [engine: string]: string };
      };
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
        /**
         * PostgreSQL programs. Every installed engine takes the same key
         * under its id (`<engine>.binDir`).
         */
        postgresql?: {
          /**
           * Directory with `initdb`, `postgres` and `pg_basebackup`.
           * Default: the driver's, `/usr/lib/postgresql/15/bin` (Debian's
           * postgresql package).
           */
          binDir?: string;
        };
        /** Redis programs, when its module is installed. */
        redis?: {
          /**
           * Directory with `redis-server` (and `redis-cli`, which backups
           * run). Default: the driver's, `/usr/bin` (Debian's redis-server
           * package).
           */
          binDir?: string;
        };
        /** Volumes of the local runtime. */
        volumes?: {
          /**
           * Give each instance's data its own loop-mounted image on its
           * pool (a hard capacity cap) and throttle its I/O (cgroup v1
           * blkio), where the machine allows it (Linux, root). When off or
           * impossible, the clusters' VolumeLimitsEnforced condition says
           * so. Default: true.
           */
          enforce?: boolean;
        };
      };
    };
  };
}

/** One pool's settings on a node (or the defaults of every node). */
interface VolumePoolSettings {
  /**
   * Directory on the node holding the pool's volumes. Default: the pool's
   * `path`, else `<runtimes.local.rootDir>/pools/<pool>` (on Kubernetes
   * nodes, `/var/lib/basalt/pools/<pool>`).
   */
  path?: string;
  /** Physical capacity, e.g. `200Gi`. Default `100Gi`. */
  capacity?: string;
  /** Physical throughput in bytes per second, e.g. `500Mi`. Default `250Mi`. */
  throughput?: string;
  /** Physical I/O operations per second (recorded). Default 10000. */
  iops?: number;
  /** Most volumes on the node, whatever their size. Default 64. */
  maxVolumes?: number;
  /**
   * How far allocations may exceed the physical capacity and throughput,
   * as ratios of at least 1. Default `{ capacity: 2.0, throughput: 1.5 }`.
   */
  overAllocation?: { capacity?: number; throughput?: number };
}
