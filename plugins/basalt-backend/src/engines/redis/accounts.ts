import { createHash } from 'node:crypto';
import { EngineCluster } from '@basalt/plugin-basalt-common';
import { ClusterCredentials } from '@basalt/plugin-basalt-node';
import { RedisSession } from './connection';

type Role = EngineCluster['spec']['accounts'][number]['role'];

/**
 * What each account role may do, as ACL rules over every key and channel.
 * No role may run what could change where the server writes (`CONFIG SET`
 * of `dir`), load code, change accounts or replication, or stop the
 * server: those stay with Basalt's own account.
 */
const ROLE_RULES: Record<Role, string[]> = {
  readwrite: ['~*', '&*', '+@all', '-@admin', '-@dangerous'],
  readonly: ['~*', '&*', '+@read', '+@connection', '-@dangerous'],
  admin: [
    '~*',
    '&*',
    '+@all',
    '-@dangerous',
    ...[
      'flushall',
      'flushdb',
      'keys',
      'sort',
      'info',
      'slowlog',
      'latency',
      'memory',
      'client',
      'config|get',
      'bgsave',
      'bgrewriteaof',
      'lastsave',
    ].map(command => `+${command}`),
  ],
};

/** Clears a user's password, keys, channels and commands, not its flags. */
const RESET = ['resetpass', 'resetkeys', 'resetchannels', '-@all'];

/** The rule the write lock adds to every account. */
const NO_WRITES = '-@write';

/**
 * The user that exists (disabled, with no rights) while the write lock is
 * on, so that a server says itself whether it is locked.
 */
export const WRITES_LOCKED_MARKER = 'basalt_writes_locked';

/** Redis stores a password as its SHA-256; so do the rules here. */
function passwordHash(password: string): string {
  return `#${createHash('sha256').update(password).digest('hex')}`;
}

/** Every user an instance has, with its rules, by name. */
export function userRules(
  spec: EngineCluster['spec'],
  credentials: ClusterCredentials,
  locked = false,
): Map<string, string[]> {
  const { superuser, replication } = credentials;
  const users = new Map<string, string[]>([
    ['default', ['off', 'resetchannels', '-@all']],
    [
      superuser.username,
      ['on', passwordHash(superuser.password), '~*', '&*', '+@all'],
    ],
    [
      replication.username,
      [
        'on',
        passwordHash(replication.password),
        '-@all',
        '+psync',
        '+replconf',
        '+ping',
      ],
    ],
  ]);
  for (const account of spec.accounts) {
    const password = credentials.accounts[account.name];
    if (!password) continue; // its password is generated at the next pass
    users.set(account.name, [
      'on',
      passwordHash(password),
      ...ROLE_RULES[account.role],
      ...(locked ? [NO_WRITES] : []),
    ]);
  }
  return users;
}

/** users.acl with every user, as the server reads it at start. */
export function renderUsersAcl(
  spec: EngineCluster['spec'],
  credentials: ClusterCredentials,
): string {
  return [...userRules(spec, credentials)]
    .map(([name, rules]) => `user ${name} ${rules.join(' ')}`)
    .concat('')
    .join('\n');
}

/**
 * Makes the server's users exactly `userRules` (with the lock marker when
 * `locked`), removing accounts the manifest no longer has, and saves them
 * to users.acl when anything changed. Returns what changed, in words.
 */
export async function ensureUsers(
  session: RedisSession,
  spec: EngineCluster['spec'],
  credentials: ClusterCredentials,
  locked: boolean,
): Promise<string[]> {
  const wanted = userRules(spec, credentials, locked);
  if (locked) {
    wanted.set(WRITES_LOCKED_MARKER, ['off', 'resetchannels', '-@all']);
  }
  const before = await aclList(session);
  for (const [name, rules] of wanted) {
    // Each rule set replaces the last, but not with `reset`, which also
    // turns on sanitize-payload: a user loaded from users.acl would then
    // always look changed.
    await session.command(['ACL', 'SETUSER', name, ...RESET, ...rules]);
  }
  for (const name of before.keys()) {
    if (!wanted.has(name)) await session.command(['ACL', 'DELUSER', name]);
  }
  const after = await aclList(session);
  const changes: string[] = [];
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    if (name === WRITES_LOCKED_MARKER || before.get(name) === after.get(name)) {
      continue;
    }
    if (!after.has(name)) changes.push(`Removed account ${name}`);
    else if (!before.has(name)) changes.push(`Created account ${name}`);
    else changes.push(`Updated account ${name}`);
  }
  const changed = [...new Set([...before.keys(), ...after.keys()])].some(
    name => before.get(name) !== after.get(name),
  );
  if (changed) await session.command(['ACL', 'SAVE']);
  return changes;
}

/** Whether the server's write lock is on. */
export async function writesLocked(session: RedisSession): Promise<boolean> {
  return (await aclList(session)).has(WRITES_LOCKED_MARKER);
}

/** `ACL LIST`: each user's normalized rules, by name. */
async function aclList(session: RedisSession): Promise<Map<string, string>> {
  const lines = (await session.command(['ACL', 'LIST'])) as string[];
  return new Map(
    lines.map(line => {
      const [, name] = line.split(' ', 2);
      return [name, line];
    }),
  );
}
