import { DatabaseService } from '@backstage/backend-plugin-api';
import { BasaltHealthCheck } from '@basalt/plugin-basalt-node';

/**
 * Checks that Basalt's database (the Backstage database it keeps its state
 * in) answers a query.
 */
export function createDatabaseHealthCheck(
  database: DatabaseService,
): BasaltHealthCheck {
  return {
    name: 'database',
    async check() {
      const knex = await database.getClient();
      await knex.raw('select 1');
      return { message: `${knex.client.config.client} answered` };
    },
  };
}
