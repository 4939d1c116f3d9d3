// @ts-check
/**
 * High availability: which instance the controller made primary (the only
 * one ever started as a primary, so a returning former primary rejoins as
 * a replica), and a pending planned switchover.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('basalt_clusters', table => {
    table
      .string('primary_instance')
      .nullable()
      .comment('Name of the instance the controller made primary');
    table
      .text('switchover_request')
      .nullable()
      .comment('JSON { target?, requestedAt } of a pending switchover');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('basalt_clusters', table => {
    table.dropColumn('primary_instance');
    table.dropColumn('switchover_request');
  });
};
