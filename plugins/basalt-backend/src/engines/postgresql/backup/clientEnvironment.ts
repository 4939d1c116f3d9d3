/**
 * What a PostgreSQL client tool run by the backend gets in its environment
 * beside a plain PATH and locale: the password, and no ~/.pgpass or service
 * file of the backend's user that could interfere.
 */
export function postgresToolEnvironment(
  password: string,
): Record<string, string> {
  return {
    PGPASSWORD: password,
    PGPASSFILE: '/dev/null',
    PGSERVICEFILE: '/dev/null',
  };
}
