/**
 * How runtimes run one engine's server, the same for each of its instances:
 * what stops it, where its programs are on a host, and its container. The
 * driver declares it; no runtime knows an engine by name.
 *
 * @public
 */
export interface EngineProcess {
  /**
   * The signal for an orderly but prompt shutdown: SIGINT for PostgreSQL
   * (its "fast" shutdown: clients are disconnected and a checkpoint is
   * written; SIGTERM would wait for every client to leave), SIGTERM for
   * mariadbd and redis-server. A server still running after the runtime's
   * deadline is killed.
   */
  stopSignal: 'SIGINT' | 'SIGTERM';
  /**
   * Where the engine's programs are on a host with the engine's Debian
   * package, e.g. `/usr/lib/postgresql/15/bin`; the local runtime's
   * `basalt.runtimes.local.<engine>.binDir` overrides it.
   */
  binDir: string;
  /** The Debian package that installs those programs, for advice when one is missing. */
  debianPackage: string;
  /** The engine in a container, for runtimes that run Pods. */
  container: EngineContainer;
}

/**
 * The engine's official container image and what a runtime needs to know
 * about it. The engine's configuration and data still come from the driver.
 *
 * @public
 */
export interface EngineContainer {
  /**
   * The official image, e.g. `postgres:15`; the Kubernetes runtime's
   * `basalt.runtimes.kubernetes.images.<engine>` overrides it.
   */
  image: string;
  /** The port the engine listens on in its container. */
  port: number;
  /** The image's unprivileged engine user and group, which own the data. */
  uid: number;
  gid: number;
  /**
   * The engine's programs the driver runs in the container, which must be
   * on the image's PATH; the Kubernetes runtime checks an image for them
   * (and for its own shell tools) before it runs instances of it.
   */
  programs: string[];
  /** Run in the container: succeeds once the engine takes connections. */
  readinessCommand(listenHost: string, port: number): string[];
}
