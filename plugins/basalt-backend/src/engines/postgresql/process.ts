import { EngineProcess } from '@basalt/plugin-basalt-node';

/** How PostgreSQL 15 runs, on a Debian host and in its official image. */
export const POSTGRES_PROCESS: EngineProcess = {
  // SIGTERM is PostgreSQL's "smart" shutdown, which waits for every client
  // to leave; SIGINT ("fast") still ends in a clean checkpoint.
  stopSignal: 'SIGINT',
  binDir: '/usr/lib/postgresql/15/bin',
  debianPackage: 'postgresql',
  container: {
    image: 'postgres:15',
    port: 5432,
    // The `postgres` user of the official image.
    uid: 999,
    gid: 999,
    programs: [
      'postgres',
      'initdb',
      'pg_ctl',
      'psql',
      'pg_isready',
      'pg_basebackup',
      'pg_rewind',
      'pg_controldata',
    ],
    readinessCommand: (host, port) => [
      'pg_isready',
      '--quiet',
      `--host=${host}`,
      `--port=${port}`,
    ],
  },
};
