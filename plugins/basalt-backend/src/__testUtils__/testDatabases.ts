import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { connectAndMigrate } from '../store';
import { migrationsDir } from '../store/migrate';
import { startTestPostgres, TestPostgres } from './startTestPostgres';

/** The databases Basalt's store must work on. */
export const STORE_DATABASES = ['SQLite', 'PostgreSQL'] as const;
export type StoreDatabase = (typeof STORE_DATABASES)[number];

/**
 * Real databases for store tests: SQLite in memory, and a real PostgreSQL
 * server started for the test file with a fresh database per `connect`.
 * Registers its own `beforeAll`/`afterAll`; call at the top of a describe.
 */
export function useStoreDatabases() {
  // Each PostgreSQL `connect` creates and migrates a database of its own.
  jest.setTimeout(30_000);
  const sqlite = TestDatabases.create({ ids: ['SQLITE_3'] });
  let postgres: TestPostgres | undefined;
  const opened: Knex[] = [];
  let counter = 0;

  beforeAll(async () => {
    postgres = await startTestPostgres();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(opened.map(knex => knex.destroy()));
    await postgres?.stop();
  });

  return {
    /** A migrated, empty database of the given kind. */
    async connect(kind: StoreDatabase): Promise<Knex> {
      const knex = await this.open(kind);
      return connectAndMigrate({ getClient: async () => knex });
    },

    /**
     * A database migrated up to, not including, `migration` (a file name
     * in `migrations/`): the schema an earlier release left, to test an
     * upgrade from.
     */
    async connectBefore(kind: StoreDatabase, migration: string) {
      const knex = await this.open(kind);
      const config = { directory: migrationsDir };
      for (;;) {
        const [, pending] = await knex.migrate.list(config);
        const next = pending[0] as { file: string } | undefined;
        if (!next) throw new Error(`No pending migration ${migration}`);
        if (next.file === migration) return knex;
        await knex.migrate.up(config);
      }
    },

    /** An empty database of the given kind, without any schema. */
    async open(kind: StoreDatabase): Promise<Knex> {
      let knex: Knex;
      if (kind === 'SQLite') {
        knex = await sqlite.init('SQLITE_3');
      } else {
        const database = `basalt_test_${process.pid}_${counter++}`;
        const admin = knexFactory({
          client: 'pg',
          connection: postgres!.connection,
        });
        await admin.raw(`CREATE DATABASE ${database}`);
        await admin.destroy();
        knex = knexFactory({
          client: 'pg',
          connection: { ...postgres!.connection, database },
        });
        opened.push(knex);
      }
      return knex;
    },
  };
}
