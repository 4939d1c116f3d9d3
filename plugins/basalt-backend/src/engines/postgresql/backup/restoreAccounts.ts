import { EngineContext } from '@basalt/plugin-basalt-node';
import { scramSha256Verifier } from '../scram';

/**
 * SQL (for psql) that gives Basalt's superuser, the replication account
 * and every account of the manifest this cluster's passwords, creating
 * the roles the restored data lacks. Only SCRAM verifiers appear, never a
 * password. Memberships and grants are left to `ensureDatabasesAndAccounts`,
 * which runs once the cluster is up.
 */
export function renderAccountsSql({
  spec,
  credentials,
}: EngineContext): string {
  const roles: Array<{ name: string; password: string; attributes: string }> = [
    {
      name: credentials.superuser.username,
      password: credentials.superuser.password,
      attributes: 'SUPERUSER LOGIN',
    },
    {
      name: credentials.replication.username,
      password: credentials.replication.password,
      attributes: 'LOGIN REPLICATION',
    },
    ...spec.accounts
      .filter(account => credentials.accounts[account.name] !== undefined)
      .map(account => ({
        name: account.name,
        password: credentials.accounts[account.name],
        attributes: 'LOGIN',
      })),
  ];
  return [
    ...roles.flatMap(role => [
      // \gexec runs the CREATE only when the SELECT returns it.
      `SELECT format('CREATE ROLE %I', ${literal(role.name)})` +
        ` WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ${literal(
          role.name,
        )}) \\gexec`,
      `ALTER ROLE ${identifier(role.name)} WITH ${
        role.attributes
      } PASSWORD ${literal(scramSha256Verifier(role.password))};`,
    ]),
    '',
  ].join('\n');
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function identifier(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}
