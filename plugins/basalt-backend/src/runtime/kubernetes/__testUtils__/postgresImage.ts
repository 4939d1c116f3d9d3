import { POSTGRES_PROCESS } from '../../../engines/postgresql/process';
import { engineImages } from '../engineImages';

/** PostgreSQL's official image as the runtime runs it, for tests and benchmarks. */
export const POSTGRESQL_IMAGE = engineImages([
  { engine: 'postgresql', process: POSTGRES_PROCESS },
]).postgresql;
