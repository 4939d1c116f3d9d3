// @ts-check
/**
 * Whether a cluster ever held data: when a primary of it first answered
 * ready. A cluster that never held any is deleted without the final backup
 * `BackupThenDelete` asks for (there is nothing to back up, and a backup of
 * an engine that never started can only fail, which would keep the cluster
 * forever).
 *
 * Clusters that exist already are taken to have held data: what happened
 * before this was recorded is not known, and a final backup that is not
 * needed costs less than one that is missing.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('basalt_clusters', table => {
    table
      .string('held_data_at')
      .nullable()
      .comment('When a primary of the cluster first answered ready');
  });
  await knex('basalt_clusters').update({
    held_data_at: knex.ref('created_at'),
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('basalt_clusters', table => {
    table.dropColumn('held_data_at');
  });
};
