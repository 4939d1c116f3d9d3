// @ts-check
/**
 * A physical backup's span of its engine's log, in terms every engine
 * has: `log` is `{ start, end, details }` in the engine's notation, where
 * `wal` was PostgreSQL's `{ start, end, timeline }`. Backups taken before
 * keep their span, the timeline moving into `details`, so they restore as
 * before.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('basalt_backups', table => {
    table
      .text('log')
      .nullable()
      .comment(
        "Physical backups: the span of the engine's log, JSON { start, end, details }",
      );
  });
  const rows = await knex('basalt_backups')
    .whereNotNull('wal')
    .select('id', 'wal');
  for (const row of rows) {
    const { start, end, timeline } = JSON.parse(row.wal);
    await knex('basalt_backups')
      .where({ id: row.id })
      .update({ log: JSON.stringify({ start, end, details: { timeline } }) });
  }
  await knex.schema.alterTable('basalt_backups', table => {
    table.dropColumn('wal');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('basalt_backups', table => {
    table.text('wal').nullable();
  });
  const rows = await knex('basalt_backups')
    .whereNotNull('log')
    .select('id', 'log');
  for (const row of rows) {
    const { start, end, details } = JSON.parse(row.log);
    await knex('basalt_backups')
      .where({ id: row.id })
      .update({
        wal: JSON.stringify({ start, end, timeline: details?.timeline ?? 1 }),
      });
  }
  await knex.schema.alterTable('basalt_backups', table => {
    table.dropColumn('log');
  });
};
