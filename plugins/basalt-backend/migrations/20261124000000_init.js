// @ts-check

/**
 * Basalt's tables: clusters (declared spec, generation, observed status),
 * their instances, their events, and the controller's leadership lease.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('basalt_clusters', table => {
    table.comment('EngineClusters: the applied manifest and its status');
    table.string('uid').primary().notNullable();
    table.string('namespace').notNullable();
    table.string('name').notNullable();
    table.text('spec').notNullable().comment('JSON of the validated spec');
    table.text('labels').notNullable();
    table.text('annotations').notNullable();
    table
      .string('owner')
      .notNullable()
      .comment('Entity ref of the owning group or user');
    table.string('created_by').notNullable();
    table.integer('generation').notNullable();
    table
      .text('status')
      .nullable()
      .comment('JSON written by the controller only');
    table.string('created_at').notNullable();
    table.string('updated_at').notNullable();
    table.string('deletion_requested_at').nullable();
    table.unique(['namespace', 'name'], {
      indexName: 'basalt_clusters_ref_idx',
    });
    table.index(['owner'], 'basalt_clusters_owner_idx');
  });

  await knex.schema.createTable('basalt_instances', table => {
    table.comment('Instances of clusters as the controller last observed them');
    table
      .string('cluster_uid')
      .notNullable()
      .references('uid')
      .inTable('basalt_clusters')
      .onDelete('CASCADE');
    table.string('name').notNullable();
    table.string('node').notNullable();
    table.string('role').notNullable();
    table.boolean('ready').notNullable();
    table.string('address').nullable();
    table.primary(['cluster_uid', 'name']);
    table.index(['node'], 'basalt_instances_node_idx');
  });

  await knex.schema.createTable('basalt_events', table => {
    table.comment(
      'Operation history of clusters (created, scaled, failover, …)',
    );
    table.bigIncrements('id').primary();
    table.string('cluster_uid').notNullable();
    table.string('cluster_ref').notNullable().comment('namespace/name');
    table.string('type').notNullable().comment('Normal or Warning');
    table.string('reason').notNullable();
    table.text('message').notNullable();
    table.string('created_at').notNullable();
    table.index(['cluster_ref', 'id'], 'basalt_events_cluster_idx');
  });

  await knex.schema.createTable('basalt_leases', table => {
    table.comment('Leadership: only the holder of a lease acts');
    table.string('name').primary().notNullable();
    table.string('holder').notNullable();
    table.bigInteger('expires_at').notNullable().comment('Epoch milliseconds');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('basalt_leases');
  await knex.schema.dropTable('basalt_events');
  await knex.schema.dropTable('basalt_instances');
  await knex.schema.dropTable('basalt_clusters');
};
