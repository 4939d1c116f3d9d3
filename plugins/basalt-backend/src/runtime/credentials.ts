import { randomBytes } from 'node:crypto';
import { ClusterCredentials } from '@basalt/plugin-basalt-node';

/** The account Basalt administers every cluster with. */
export const SUPERUSER_NAME = 'basalt';
/** The account replicas stream from their primary with. */
export const REPLICATION_USER_NAME = 'basalt_replication';

/**
 * `current` with a password for every account in `accounts` (new
 * credentials when there are none), or undefined when it has them all.
 * Passwords are generated once and kept.
 */
export function completeCredentials(
  current: ClusterCredentials | undefined,
  accounts: string[],
): ClusterCredentials | undefined {
  const missing = accounts.filter(name => !current?.accounts[name]);
  if (current && missing.length === 0) return undefined;
  const base = current ?? generateCredentials();
  return {
    ...base,
    accounts: {
      ...base.accounts,
      ...Object.fromEntries(missing.map(name => [name, newPassword()])),
    },
  };
}

export function generateCredentials(): ClusterCredentials {
  return {
    superuser: { username: SUPERUSER_NAME, password: newPassword() },
    replication: { username: REPLICATION_USER_NAME, password: newPassword() },
    accounts: {},
  };
}

/** 192 random bits, URL-safe: no quoting trouble in any client or URL. */
function newPassword(): string {
  return randomBytes(24).toString('base64url');
}
