import { NotFoundError } from '@backstage/errors';
import { EngineAddress, EngineContext } from '@basalt/plugin-basalt-node';
import { Timeouts, withClient } from '../connection';

/**
 * Checks that a restored instance answers and has every database of the
 * manifest; resolves with how many databases and tables it holds, e.g.
 * `2 databases, 5 tables`, and rejects with {@link NotFoundError} naming
 * the databases that are missing.
 */
export async function checkRestored(
  address: EngineAddress,
  context: EngineContext,
  timeouts: Timeouts,
): Promise<string> {
  const { superuser } = context.credentials;
  const { databases } = context.spec;
  const present = await withClient(address, superuser, timeouts, async c => {
    const { rows } = await c.query<{ datname: string }>(
      'select datname from pg_catalog.pg_database where datname = any($1)',
      [databases],
    );
    return new Set(rows.map(row => row.datname));
  });
  const missing = databases.filter(name => !present.has(name));
  if (missing.length > 0) {
    throw new NotFoundError(
      `The restored instance lacks ${plural(
        missing.length,
        'database',
      )} of the manifest: ${missing.join(', ')}`,
    );
  }
  let tables = 0;
  for (const database of databases) {
    tables += await withClient(
      address,
      superuser,
      { ...timeouts, database },
      async client => {
        const { rows } = await client.query<{ count: string }>(
          `select count(*) as count from pg_catalog.pg_tables
            where schemaname not in ('pg_catalog', 'information_schema')`,
        );
        return Number(rows[0].count);
      },
    );
  }
  return `${plural(databases.length, 'database')}, ${plural(tables, 'table')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
