import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/** Where Basalt's migrations are; one file per schema change. */
export const migrationsDir = resolvePackagePath(
  '@basalt/plugin-basalt-backend',
  'migrations',
);

/**
 * Connects to Basalt's database and brings its schema up to date, unless the
 * deployment manages migrations itself (`database.migrations.skip`).
 */
export async function connectAndMigrate(
  database: DatabaseService,
): Promise<Knex> {
  const knex = await database.getClient();
  if (!database.migrations?.skip) {
    await knex.migrate.latest({ directory: migrationsDir });
  }
  return knex;
}
