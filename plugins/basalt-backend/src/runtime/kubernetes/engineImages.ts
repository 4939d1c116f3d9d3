import { EngineCluster } from '@basalt/plugin-basalt-common';

/**
 * How an engine runs in a Pod: its official image and what Basalt needs to
 * know about that image. The engine's configuration and data come from the
 * driver, exactly as on the local runtime.
 */
export interface EngineImage {
  /** The official image, e.g. `postgres:15`. */
  image: string;
  /** The port the engine listens on in its Pod. */
  port: number;
  /** The image's unprivileged engine user and group, which own the data. */
  uid: number;
  gid: number;
  /**
   * The signal for an orderly but prompt shutdown. Kubernetes sends
   * SIGTERM; the Pod's start script turns it into this one.
   */
  stopSignal: 'INT' | 'TERM';
  /** Run in the engine container: succeeds once the engine takes connections. */
  readinessCommand(listenHost: string, port: number): string[];
}

/** PostgreSQL's official image. */
export const POSTGRESQL_IMAGE: EngineImage = {
  image: 'postgres:15',
  port: 5432,
  // The `postgres` user of the official image.
  uid: 999,
  gid: 999,
  // SIGTERM is PostgreSQL's "smart" shutdown, which waits for every
  // client to leave; SIGINT ("fast") still ends in a clean checkpoint.
  stopSignal: 'INT',
  readinessCommand: (host, port) => [
    'pg_isready',
    '--quiet',
    `--host=${host}`,
    `--port=${port}`,
  ],
};

/** The official images, by engine. */
export const DEFAULT_ENGINE_IMAGES: Partial<
  Record<EngineCluster['spec']['engine'], EngineImage>
> = { postgresql: POSTGRESQL_IMAGE };
