import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  AccountConnection,
  ClusterConnections,
  ClusterResource,
  PasswordRotation,
  RevealedPassword,
  basaltClusterCredentialsReadPermission,
  basaltClusterReadPermission,
  basaltClusterUpdatePermission,
  clusterRefOf,
} from '@basalt/plugin-basalt-common';
import { EngineDriver, Runtime } from '@basalt/plugin-basalt-node';
import { keyOf } from '../backups/clusterAccess';
import { accountDatabase } from '../engines/accountDatabase';
import { ClusterStore, EventStore } from '../store';
import { actorRef, requirePermission } from './authorization';

/**
 * How applications connect to a cluster: each account's connection
 * settings, in its engine's terms, for whoever may read the cluster; its
 * password, one account at a time, for those with
 * `basalt.cluster.credentials.read`, each reveal recorded as an event; and
 * a new password for an account, for those who may update the cluster.
 */
export class ConnectionService {
  constructor(
    private readonly deps: {
      clusters: ClusterStore;
      events: EventStore;
      runtime: Runtime;
      drivers: ReadonlyMap<string, EngineDriver>;
      permissions: PermissionsService;
      /** Reconciles a cluster soon, e.g. to set a rotated password. */
      controller: { enqueue(uid: string): void };
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
    requireAccount(cluster, account);
    const { credentials: held } = await this.deps.runtime.ensureCredentials(
      keyOf(cluster),
      cluster.spec.accounts.map(a => a.name),
    );
    await this.#record(
      cluster,
      'PasswordRevealed',
      `The password of account ${account} was revealed to ${actorRef(
        credentials,
      )}`,
    );
    return { account, password: held.accounts[account] };
  }

  /**
   * Gives one account a new password, as a day-2 operation of those who
   * may update the cluster: stored at once (so a reveal shows the new one),
   * set in the engine by the controller, recorded as an event.
   *
   * @throws NotFoundError for an account the manifest does not declare.
   * @throws ConflictError while the cluster is being deleted.
   */
  async rotatePassword(
    namespace: string,
    name: string,
    account: string,
    credentials: BackstageCredentials,
  ): Promise<PasswordRotation> {
    const cluster = await this.#cluster(
      namespace,
      name,
      credentials,
      basaltClusterUpdatePermission,
    );
    requireAccount(cluster, account);
    if (cluster.metadata.deletionTimestamp) {
      throw new ConflictError(
        `EngineCluster ${clusterRefOf(cluster)} is being deleted`,
      );
    }
    await this.deps.runtime.rotatePassword(keyOf(cluster), account);
    await this.#record(
      cluster,
      'PasswordRotated',
      `The password of account ${account} was rotated by ${actorRef(
        credentials,
      )}; clients must use the new one once it is set`,
    );
    this.deps.controller.enqueue(cluster.metadata.uid);
    return { account, rotatedAt: new Date().toISOString() };
  }

  async #record(cluster: ClusterResource, reason: string, message: string) {
    await this.deps.events.record({
      clusterUid: cluster.metadata.uid,
      cluster: clusterRefOf(cluster),
      type: 'Normal',
      reason,
      message,
    });
  }

  async #cluster(
    namespace: string,
    name: string,
    credentials: BackstageCredentials,
    permission:
      | typeof basaltClusterReadPermission
      | typeof basaltClusterUpdatePermission
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
 * Checks that the manifest declares `account`.
 *
 * @throws NotFoundError naming the accounts it declares.
 */
function requireAccount(cluster: ClusterResource, account: string): void {
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
  const database = accountDatabase(driver, cluster.spec, account);
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
