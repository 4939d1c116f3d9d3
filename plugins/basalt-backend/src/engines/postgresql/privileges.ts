import { Client } from 'pg';
import { ACCOUNT_ROLES } from '@basalt/plugin-basalt-common';

/** An account's role in the manifest. */
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

interface RolePrivileges {
  /** Predefined roles granted cluster-wide. */
  memberOf: string[];
  /** Privileges on each database the account lists. */
  database: string[];
  /** Privileges on the `public` schema of each of those databases. */
  schema: string[];
}

/**
 * What each manifest role may do. Data access comes from PostgreSQL's
 * predefined roles (cluster-wide); it is limited to the databases an
 * account lists because Basalt's databases grant CONNECT to no one else.
 */
export const ROLE_PRIVILEGES: Record<AccountRole, RolePrivileges> = {
  readonly: {
    memberOf: ['pg_read_all_data'],
    database: ['CONNECT'],
    schema: ['USAGE'],
  },
  readwrite: {
    memberOf: ['pg_read_all_data', 'pg_write_all_data'],
    database: ['CONNECT', 'TEMPORARY'],
    schema: ['USAGE', 'CREATE'],
  },
  admin: {
    memberOf: [
      'pg_read_all_data',
      'pg_write_all_data',
      'pg_monitor',
      'pg_signal_backend',
    ],
    database: ['CONNECT', 'TEMPORARY', 'CREATE'],
    schema: ['USAGE', 'CREATE'],
  },
};

const MANAGED_MEMBERSHIPS = [
  ...new Set(Object.values(ROLE_PRIVILEGES).flatMap(p => p.memberOf)),
];

/**
 * Grants the predefined roles `role` needs and revokes the ones it does not
 * (of those Basalt manages). Returns whether anything changed.
 */
export async function ensureMemberships(
  client: Client,
  account: string,
  role: AccountRole,
): Promise<boolean> {
  const { rows } = await client.query<{ rolname: string }>(
    `select g.rolname from pg_auth_members m
       join pg_roles g on g.oid = m.roleid
       join pg_roles u on u.oid = m.member
      where u.rolname = $1`,
    [account],
  );
  const current = new Set(rows.map(row => row.rolname));
  const wanted = ROLE_PRIVILEGES[role].memberOf;
  const missing = wanted.filter(name => !current.has(name));
  const extra = MANAGED_MEMBERSHIPS.filter(
    name => current.has(name) && !wanted.includes(name),
  );
  const who = client.escapeIdentifier(account);
  for (const name of missing) {
    await client.query(`GRANT ${client.escapeIdentifier(name)} TO ${who}`);
  }
  for (const name of extra) {
    await client.query(`REVOKE ${client.escapeIdentifier(name)} FROM ${who}`);
  }
  return missing.length + extra.length > 0;
}

/**
 * Whether the account's explicit privileges on the database are exactly
 * those of its role.
 */
export async function hasDatabaseAccess(
  client: Client,
  account: string,
  database: string,
  role: AccountRole,
): Promise<boolean> {
  const { rows } = await client.query<{ privilege: string }>(
    `select a.privilege_type as privilege
       from pg_database d, aclexplode(d.datacl) a
       join pg_roles r on r.oid = a.grantee
      where d.datname = $1 and r.rolname = $2`,
    [database, account],
  );
  const current = rows.map(row => row.privilege).sort();
  const wanted = [...ROLE_PRIVILEGES[role].database].sort();
  return current.join() === wanted.join();
}

/**
 * Gives the account exactly its role's privileges on the database and its
 * `public` schema. `client` must be connected to that database.
 */
export async function grantDatabaseAccess(
  client: Client,
  account: string,
  database: string,
  role: AccountRole,
): Promise<void> {
  const who = client.escapeIdentifier(account);
  const db = client.escapeIdentifier(database);
  const { database: onDatabase, schema: onSchema } = ROLE_PRIVILEGES[role];
  await client.query('BEGIN');
  try {
    await client.query(`REVOKE ALL ON DATABASE ${db} FROM ${who}`);
    await client.query(
      `GRANT ${onDatabase.join(', ')} ON DATABASE ${db} TO ${who}`,
    );
    await client.query(`REVOKE ALL ON SCHEMA public FROM ${who}`);
    await client.query(
      `GRANT ${onSchema.join(', ')} ON SCHEMA public TO ${who}`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
