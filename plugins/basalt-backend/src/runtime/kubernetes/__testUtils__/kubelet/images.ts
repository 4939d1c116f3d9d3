import { POSTGRES_BIN } from '../../../../__testUtils__/processes';
import { POSTGRESQL_IMAGE } from '../postgresImage';

/**
 * What the simulator knows of a container image. Nothing is pulled: an
 * image only names which of this host's programs its containers see.
 */
export interface SimulatedImage {
  /** The directories of the image's PATH, first match wins. */
  path: string[];
  /**
   * Directories the image makes writable for its unprivileged user, e.g.
   * PostgreSQL's socket directory. Each Pod gets fresh, private ones.
   */
  writableDirs?: string[];
}

/** The images the simulator knows, by reference, e.g. `postgres:15`. */
export const KNOWN_IMAGES: Record<string, SimulatedImage> = {
  [POSTGRESQL_IMAGE.image]: {
    path: [POSTGRES_BIN, '/usr/local/bin', '/usr/bin', '/bin'],
    // Debian's PostgreSQL puts its sockets there by default (the official
    // image makes it writable for the postgres user).
    writableDirs: ['/var/run/postgresql'],
  },
};
