import { POSTGRES_PROCESS } from '../../../engines/postgresql/process';
import { EngineImage, engineImages } from '../engineImages';
import type { KubeDataPlane } from './dataPlane/KubeDataPlane';

/** PostgreSQL's official image as the runtime runs it, for tests and benchmarks. */
export const POSTGRESQL_IMAGE = engineImages([
  { engine: 'postgresql', process: POSTGRES_PROCESS },
]).postgresql;

/**
 * PostgreSQL's image on a test data plane: the one built from Debian's
 * packages, already on every node and never pulled (nothing may leave the
 * machine).
 */
export function postgresImageOn(plane: KubeDataPlane): EngineImage {
  return {
    ...POSTGRESQL_IMAGE,
    image: plane.images.postgresql.ref,
    pullPolicy: 'Never',
  };
}
