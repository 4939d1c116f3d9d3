import { randomBytes } from 'node:crypto';
import { ClusterCredentials, ClusterKey } from '@basalt/plugin-basalt-node';
import { ClusterCertificates } from './certificates';

/** The account Basalt administers every cluster with. */
export const SUPERUSER_NAME = 'basalt';
/** The account replicas stream from their primary with. */
export const REPLICATION_USER_NAME = 'basalt_replication';

/** How a runtime has its clusters' certificates issued. */
export interface CertificateRequest {
  certificates: ClusterCertificates;
  cluster: ClusterKey;
  /** The names and addresses clients reach the cluster's instances at. */
  hosts: string[];
}

/**
 * `current` with a password for every account in `accounts` and a server
 * certificate that is not due for renewal (new credentials when there are
 * none), or undefined when it has them all. Passwords are generated once
 * and kept, except for the accounts in `rotate`, which get new ones; the CA
 * is kept while it is good.
 */
export async function completeCredentials(
  current: ClusterCredentials | undefined,
  accounts: string[],
  tls: CertificateRequest,
  rotate: string[] = [],
): Promise<ClusterCredentials | undefined> {
  const missing = [
    ...new Set([
      ...accounts.filter(name => !current?.accounts[name]),
      ...rotate,
    ]),
  ];
  const renewed = await tls.certificates.ensure(
    tls.cluster,
    tls.hosts,
    current?.tls,
  );
  if (current && missing.length === 0 && !renewed) return undefined;
  const base = current ?? generateCredentials();
  return {
    ...base,
    accounts: {
      ...base.accounts,
      ...Object.fromEntries(missing.map(name => [name, newPassword()])),
    },
    tls: renewed ?? base.tls,
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
