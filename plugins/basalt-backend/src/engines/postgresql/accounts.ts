import { InputError } from '@backstage/errors';
import { Client } from 'pg';
import { EngineAddress, EngineContext } from '@basalt/plugin-basalt-node';
import { Login, Timeouts, withClient } from './connection';
import {
  ensureMemberships,
  grantDatabaseAccess,
  hasDatabaseAccess,
} from './privileges';
import { scramSha256Verifier, scramVerifierMatches } from './scram';

const DUPLICATE_DATABASE = '42P04';
const DUPLICATE_OBJECT = '42710';
/** A concurrent CREATE of the same name, caught by a catalog index. */
const UNIQUE_VIOLATION = '23505';

type Account = EngineContext['spec']['accounts'][number];

/**
 * Creates the replication account, the manifest's databases and accounts
 * where they are missing, and gives each account its role's privileges on
 * the databases it lists. Safe to repeat; returns what it changed.
 */
export async function ensureDatabasesAndAccounts(
  primary: EngineAddress,
  context: EngineContext,
  timeouts: Timeouts,
): Promise<string[]> {
  checkAccounts(context);
  const { superuser } = context.credentials;
  const changes: string[] = [];
  const grants = await withClient(
    primary,
    superuser,
    timeouts,
    async client => {
      changes.push(...(await ensureRolesAndDatabases(client, context)));
      return missingGrants(client, context.spec.accounts);
    },
  );
  // Schema privileges can only be granted from inside each database.
  for (const { account, database } of grants) {
    await withClient(primary, superuser, { ...timeouts, database }, client =>
      grantDatabaseAccess(client, account.name, database, account.role),
    );
    changes.push(
      `Granted account ${account.name} ${account.role} access to database ${database}`,
    );
  }
  return changes;
}

function checkAccounts({ spec, credentials }: EngineContext): void {
  const reserved = [
    credentials.superuser.username,
    credentials.replication.username,
  ];
  for (const { name } of spec.accounts) {
    if (reserved.includes(name)) {
      throw new InputError(`Account name '${name}' is reserved for Basalt`);
    }
    if (!credentials.accounts[name]) {
      throw new InputError(`No password was generated for account '${name}'`);
    }
  }
}

async function ensureRolesAndDatabases(
  client: Client,
  { spec, credentials }: EngineContext,
): Promise<string[]> {
  const changes: string[] = [];
  if (await ensureReplicationRole(client, credentials.replication)) {
    changes.push(
      `Created replication account ${credentials.replication.username}`,
    );
  }
  for (const database of spec.databases) {
    if (await ensureDatabase(client, database)) {
      changes.push(`Created database ${database}`);
    }
  }
  for (const account of spec.accounts) {
    const password = credentials.accounts[account.name];
    changes.push(...(await ensureAccount(client, account, password)));
  }
  return changes;
}

/** The account/database pairs whose privileges are not (yet) the role's. */
async function missingGrants(client: Client, accounts: Account[]) {
  const missing: Array<{ account: Account; database: string }> = [];
  for (const account of accounts) {
    for (const database of account.databases) {
      const { name, role } = account;
      if (!(await hasDatabaseAccess(client, name, database, role))) {
        missing.push({ account, database });
      }
    }
  }
  return missing;
}

/**
 * Creates the account replicas stream with, if missing. Returns whether it
 * was created.
 */
export async function ensureReplicationRole(
  client: Client,
  replication: Login,
): Promise<boolean> {
  return createRole(client, replication, 'LOGIN REPLICATION');
}

async function ensureDatabase(client: Client, name: string): Promise<boolean> {
  const { rowCount } = await client.query(
    'select 1 from pg_database where datname = $1',
    [name],
  );
  const db = client.escapeIdentifier(name);
  let created = false;
  if (!rowCount) {
    try {
      await client.query(`CREATE DATABASE ${db}`);
      created = true;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== DUPLICATE_DATABASE && code !== UNIQUE_VIOLATION) throw error;
    }
  }
  // Only the accounts that list the database may connect to it. Repeated
  // every time: it is cheap, and a crash may have come between the two.
  await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${db} FROM PUBLIC`);
  return created;
}

async function ensureAccount(
  client: Client,
  account: Account,
  password: string,
): Promise<string[]> {
  const login = { username: account.name, password };
  if (await createRole(client, login, 'LOGIN')) {
    await ensureMemberships(client, account.name, account.role);
    return [`Created account ${account.name} (${account.role})`];
  }
  const changes: string[] = [];
  if (await ensurePassword(client, login)) {
    changes.push(`Set the password of account ${account.name}`);
  }
  if (await ensureMemberships(client, account.name, account.role)) {
    changes.push(`Set the role of account ${account.name} to ${account.role}`);
  }
  return changes;
}

/**
 * Sets the account's password to the one Basalt holds when the server's
 * verifier is of another (after a rotation, or a change made by hand).
 * Returns whether it was set.
 */
async function ensurePassword(client: Client, login: Login): Promise<boolean> {
  const { rows } = await client.query<{ rolpassword: string | null }>(
    'select rolpassword from pg_authid where rolname = $1',
    [login.username],
  );
  if (scramVerifierMatches(rows[0]?.rolpassword ?? null, login.password)) {
    return false;
  }
  const verifier = client.escapeLiteral(scramSha256Verifier(login.password));
  await client.query(
    `ALTER ROLE ${client.escapeIdentifier(
      login.username,
    )} PASSWORD ${verifier}`,
  );
  return true;
}

/** Creates a role with a SCRAM verifier (never the password) if missing. */
async function createRole(
  client: Client,
  login: Login,
  attributes: string,
): Promise<boolean> {
  const { rowCount } = await client.query(
    'select 1 from pg_roles where rolname = $1',
    [login.username],
  );
  if (rowCount) return false;
  const verifier = client.escapeLiteral(scramSha256Verifier(login.password));
  try {
    await client.query(
      `CREATE ROLE ${client.escapeIdentifier(
        login.username,
      )} ${attributes} PASSWORD ${verifier}`,
    );
  } catch (error) {
    // Two clones of one cluster may race to create the replication role;
    // the loser sees the catalog's unique index rather than 42710.
    const code = (error as { code?: string }).code;
    if (code === DUPLICATE_OBJECT || code === UNIQUE_VIOLATION) return false;
    throw error;
  }
  return true;
}
