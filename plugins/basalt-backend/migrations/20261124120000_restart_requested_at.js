// @ts-check
/**
 * Rolling restarts: when one was last requested. The controller restarts
 * every instance whose process started before it, so the request survives a
 * backend restart midway and asking twice restarts nothing twice.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('basalt_clusters', table => {
    table
      .string('restart_requested_at')
      .nullable()
      .comment('ISO 8601 time of the last restart request, if any');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('basalt_clusters', table => {
    table.dropColumn('restart_requested_at');
  });
};
