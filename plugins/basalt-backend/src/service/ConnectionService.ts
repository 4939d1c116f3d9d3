import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  AccountConnection,
  ClusterConnections,
  ClusterResource,
  RevealedPassword,
  basaltClusterCredentialsReadPermission,
  basaltClusterReadPermission,
  clusterRefOf,
} from '@basalt/plugin-basalt-common';
import { EngineDriver, Runtime } from '@basalt/plugin-basalt-node';
import { keyOf } from '../backups/clusterAccess';
import { ClusterStore, EventStore } from '../store';
import { actorRef, requirePermission } from './authorization';

/**
 * How applications connect to a cluster: each account's connection
 * settings, in its engine's terms, for whoever may read the cluster; and
 * its password, one account at a time, for those with
 * `basalt.cluster.credentials.read`, each reveal recorded as an event.
 */
export class ConnectionService {
  constructor(
    private readonly deps: {
      clusters: ClusterStore;
      events: EventStore;
      runtime: Runtime;
      drivers: ReadonlyMap<string, EngineDriver>;
      permissions: PermissionsService;
    },
  ) {}

  async connections(
    namespace: string,
    name: string,
    credentials: BackstageCredentials,
  ): Promise<ClusterConnections> {
    const cluster = await this.#cluster(
      namespace,
      name,
      credentials,
      basaltClusterReadPermission,
    );
    const driver = this.deps.drivers.get(cluster.spec.engine);
    const tls = cluster.status?.tls;
    const caFile = tls ? `${name}-ca.crt` : undefined;
    const accounts = driver
      ? cluster.spec.accounts.map(account =>
          connectionOf(cluster, driver, account, caFile),
        )
      : [];
    return {
      accounts,
      ...(tls && {
        caCertificateUrl: tls.caCertificateUrl,
        caCertificateFile: caFile,
      }),
    };
  }

  /**
   * One account's password.
   *
   * @throws NotAllowedError without `basalt.cluster.credentials.read`.
   * @throws NotFoundError for an account the manifest does not declare.
   */
  async revealPassword(
    namespace: string,
    name: string,
    account: string,
    credentials: BackstageCredentials,
  ): Promise<RevealedPassword> {
    const cluster = await this.#cluster(
      namespace,
      name,
      credentials,
      basaltClusterCredentialsReadPermission,
    );
    const names = cluster.spec.accounts.map(a => a.name);
    if (!names.includes(account)) {
      throw new NotFoundError(
        `EngineCluster ${clusterRefOf(
          cluster,
        )} has no account '${account}'; its accounts: ${
          names.join(', ') || 'none'
        }`,
      );
    }
    const { credentials: held } = await this.deps.runtime.ensureCredentials(
      keyOf(cluster),
      names,
    );
    await this.deps.events.record({
      clusterUid: cluster.metadata.uid,
      cluster: clusterRefOf(cluster),
      type: 'Normal',
      reason: 'PasswordRevealed',
      message: `The password of account ${account} was revealed to ${actorRef(
        credentials,
      )}`,
    });
    return { account, password: held.accounts[account] };
  }

  async #cluster(
    namespace: string,
    name: string,
    credentials: BackstageCredentials,
    permission:
      | typeof basaltClusterReadPermission
      | typeof basaltClusterCredentialsReadPermission,
  ): Promise<ClusterResource> {
    const cluster = await this.deps.clusters.get(namespace, name);
    await requirePermission(
      this.deps.permissions,
      permission,
      credentials,
      clusterRefOf(cluster),
    );
    return cluster;
  }
}

/**
 * An account's settings at each endpoint the cluster has now, to its first
 * database (or the cluster's first, for an engine with named databases).
 */
function connectionOf(
  cluster: ClusterResource,
  driver: EngineDriver,
  account: ClusterResource['spec']['accounts'][number],
  caFile: string | undefined,
): AccountConnection {
  const database = driver.capabilities.databases
    ? account.databases[0] ?? cluster.spec.databases[0]
    : undefined;
  const endpoints = cluster.status?.endpoints ?? {};
  const at = (endpoint: string | undefined) =>
    endpoint &&
    driver.connectionSettings({
      endpoint,
      account: account.name,
      database,
      caFile,
    });
  const readWrite = at(endpoints.readWrite);
  const readOnly = at(endpoints.readOnly);
  return {
    account: account.name,
    role: account.role,
    ...(database && { database }),
    ...(readWrite && { readWrite }),
    ...(readOnly && { readOnly }),
  };
}
