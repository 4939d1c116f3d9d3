// @ts-check
/**
 * Backups: one row per backup, kept after its cluster is deleted (with the
 * cluster's manifest and owner, so it can be restored and its owner's
 * permissions still apply); and on clusters, what a restore or a blocked
 * deletion left to remember.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('basalt_backups', table => {
    table.string('id').primary().comment('Backup id, sortable by start time');
    table.string('cluster_uid').notNullable();
    table.string('namespace').notNullable();
    table.string('name').notNullable();
    table.string('owner').notNullable().comment("The cluster's owner");
    table
      .text('manifest')
      .notNullable()
      .comment("JSON of the cluster's manifest when the backup was taken");
    table.string('method').notNullable().comment('physical | logical');
    table.string('trigger').notNullable().comment('manual | scheduled | final');
    table.string('phase').notNullable().comment('Running | Completed | Failed');
    table.string('repository').notNullable();
    table.string('started_at').notNullable();
    table.string('completed_at').nullable();
    table
      .string('heartbeat_at')
      .notNullable()
      .comment('Renewed while Running; a stale one was interrupted');
    table.bigInteger('size_bytes').notNullable().defaultTo(0);
    table
      .text('objects')
      .nullable()
      .comment('JSON [{ key, name, size, sha256 }]');
    table.text('wal').nullable().comment('JSON { start, end, timeline }');
    table.text('error').nullable();
    table.text('verification').nullable().comment('JSON BackupVerification');
    table.string('requested_by').nullable();
    table.index(['namespace', 'name'], 'basalt_backups_cluster_idx');
    table.index(['cluster_uid'], 'basalt_backups_uid_idx');
  });
  await knex.schema.alterTable('basalt_clusters', table => {
    table
      .string('restored_at')
      .nullable()
      .comment('When the data of spec.restore was restored (ISO 8601)');
    table
      .text('restore_failure')
      .nullable()
      .comment('Why restoring spec.restore failed for good, if it did');
    table
      .string('final_backup')
      .nullable()
      .comment(
        'Id of the verified final backup of a BackupThenDelete deletion',
      );
    table
      .text('deletion_blocked')
      .nullable()
      .comment('JSON { reason, message, at } of a deletion that was refused');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('basalt_clusters', table => {
    table.dropColumn('restored_at');
    table.dropColumn('restore_failure');
    table.dropColumn('final_backup');
    table.dropColumn('deletion_blocked');
  });
  await knex.schema.dropTable('basalt_backups');
};
