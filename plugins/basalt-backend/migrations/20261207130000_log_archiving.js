// @ts-check
/**
 * `spec.backup.walArchiving` is now `spec.backup.logArchiving`, a name every
 * engine's log fits. Stored clusters, and the manifests kept with their
 * backups (which restores read), take the new name with the value they had.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await renameIn(knex, 'basalt_clusters', 'uid', 'spec', spec => spec, {
    from: 'walArchiving',
    to: 'logArchiving',
  });
  await renameIn(knex, 'basalt_backups', 'id', 'manifest', m => m.spec, {
    from: 'walArchiving',
    to: 'logArchiving',
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await renameIn(knex, 'basalt_clusters', 'uid', 'spec', spec => spec, {
    from: 'logArchiving',
    to: 'walArchiving',
  });
  await renameIn(knex, 'basalt_backups', 'id', 'manifest', m => m.spec, {
    from: 'logArchiving',
    to: 'walArchiving',
  });
};

/**
 * Renames `backup.<from>` to `backup.<to>` in the JSON column `column` of
 * every row of `table` that has it; `specOf` finds the spec in the JSON.
 *
 * @param {import('knex').Knex} knex
 * @param {string} table
 * @param {string} key
 * @param {string} column
 * @param {(json: any) => any} specOf
 * @param {{ from: string, to: string }} names
 */
async function renameIn(knex, table, key, column, specOf, { from, to }) {
  const rows = await knex(table)
    .where(column, 'like', `%"${from}"%`)
    .select(key, column);
  for (const row of rows) {
    const json = JSON.parse(row[column]);
    const backup = specOf(json)?.backup;
    if (!backup || !(from in backup)) continue;
    const { [from]: value, ...rest } = backup;
    specOf(json).backup = { ...rest, [to]: value };
    await knex(table)
      .where(key, row[key])
      .update({ [column]: JSON.stringify(json) });
  }
}
