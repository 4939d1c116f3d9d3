// @ts-check
/**
 * Operations: long work on a cluster (creating an instance, which clones
 * its data) that runs apart from the controller's passes. Recorded while
 * it runs, with a heartbeat, so that a backend taking over finds the work
 * of one that stopped and fails it cleanly instead of waiting for it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('basalt_operations', table => {
    table.comment('Long work on clusters, run apart from reconciles');
    table.string('id').primary();
    table.string('cluster_uid').notNullable();
    table.string('kind').notNullable().comment('e.g. create-instance');
    table.string('target').nullable().comment('e.g. the instance it creates');
    table.string('node').nullable();
    table.integer('generation').notNullable();
    table
      .string('phase')
      .notNullable()
      .comment('Running | Succeeded | Failed | Cancelled');
    table.text('progress').nullable();
    table.string('reason').nullable().comment('Condition reason of a failure');
    table.text('error').nullable();
    table.string('started_at').notNullable();
    table
      .string('heartbeat_at')
      .notNullable()
      .comment('Renewed while Running; a stale one was interrupted');
    table.string('finished_at').nullable();
    table.index(['cluster_uid', 'phase'], 'basalt_operations_cluster_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('basalt_operations');
};
