import { configurationRejected } from './configurationRejected';

/** How the local runtime reports a server that exited at start. */
const startFailure = (log: string) =>
  `Server exited with code 1 before it accepted connections; last log lines:\n${log}`;

describe('configurationRejected', () => {
  it.each([
    [
      '2026-12-06 10:00:00.000 UTC [41] FATAL:  invalid value for parameter "max_connections": "many"',
      'invalid value for parameter "max_connections": "many"',
    ],
    [
      '2026-12-06 10:00:00.000 UTC [41] FATAL:  -5 is outside the valid range for parameter "max_connections" (1 .. 262143)',
      '-5 is outside the valid range for parameter "max_connections" (1 .. 262143)',
    ],
    [
      [
        '2026-12-06 10:00:00.000 UTC [41] LOG:  unrecognized configuration parameter "no_such_thing" in file "/data/postgresql.conf" line 3',
        '2026-12-06 10:00:00.000 UTC [41] FATAL:  configuration file "/data/postgresql.conf" contains errors',
      ].join('\n'),
      'unrecognized configuration parameter "no_such_thing" in file "/data/postgresql.conf" line 3',
    ],
    [
      [
        '2026-12-06 10:00:00.000 UTC [41] FATAL:  could not map anonymous shared memory: Cannot allocate memory',
        "2026-12-06 10:00:00.000 UTC [41] HINT:  This error usually means that PostgreSQL's request for a shared memory segment exceeded available memory, swap space, or huge pages. To reduce the request size (currently 1130000000000 bytes), reduce PostgreSQL's shared memory usage, perhaps by reducing shared_buffers or max_connections.",
      ].join('\n'),
      'could not map anonymous shared memory: Cannot allocate memory',
    ],
  ])(
    'quotes the line where the engine refused its configuration: %#',
    (log, line) => {
      expect(configurationRejected(startFailure(log))).toBe(line);
    },
  );

  it.each([
    '2026-12-06 10:00:00.000 UTC [41] FATAL:  could not create lock file "/run/postgresql/.s.PGSQL.5432.lock": No space left on device',
    '2026-12-06 10:00:00.000 UTC [41] LOG:  could not bind IPv4 address "127.0.0.1": Address already in use',
    '2026-12-06 10:00:00.000 UTC [41] PANIC:  could not locate a valid checkpoint record',
    'Timed out after 15000 ms waiting for the server to accept connections',
  ])('leaves any other failure to be retried: %#', log => {
    expect(configurationRejected(startFailure(log))).toBeUndefined();
  });
});
