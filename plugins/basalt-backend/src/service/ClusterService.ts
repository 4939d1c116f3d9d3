import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ClusterEvent,
  ClusterResource,
  OWNER_ANNOTATION,
  basaltClusterCreatePermission,
  basaltClusterDeletePermission,
  basaltClusterReadPermission,
  basaltClusterRestorePermission,
  basaltClusterUpdatePermission,
  EngineCluster,
  clusterRefOf,
  Offerings,
  backupPolicyOf,
} from '@basalt/plugin-basalt-common';
import { EngineDriver } from '@basalt/plugin-basalt-node';
import { isDeepStrictEqual } from 'util';
import { BackupRepositories } from '../backups/BackupRepositories';
import { RestorePlanner } from '../backups/RestorePlanner';
import { ClusterController } from '../controller';
import { VolumePools } from '../pools';
import { admitManifest } from './admitManifest';
import { checkStorageChange } from './checkStorageChange';
import {
  ApplyResult,
  ClusterFilter,
  ClusterStore,
  EventStore,
  InstanceStore,
  PrimaryStore,
} from '../store';
import { actorRef, requirePermission } from './authorization';
import { requireMayOperateAs } from './mayOperateAs';
import { switchoverTarget } from './switchoverTarget';
import { defaultOwner } from './defaultOwner';

/**
 * What the REST API does, permission-checked: the router only translates
 * HTTP to these calls.
 */
export class ClusterService {
  constructor(
    private readonly deps: {
      clusters: ClusterStore;
      events: EventStore;
      controller: ClusterController;
      primaries: PrimaryStore;
      permissions: PermissionsService;
      offerings: Offerings;
      drivers: ReadonlyMap<string, EngineDriver>;
      restores: RestorePlanner;
      repositories: BackupRepositories;
      /** The volume pools of every node. */
      pools: VolumePools;
      instances: InstanceStore;
      /** Whose groups a caller is in, for the owner of a new cluster. */
      userInfo: UserInfoService;
    },
  ) {}

  /**
   * Creates or updates a cluster from a manifest; idempotent. Every check
   * comes before anything is stored.
   */
  async apply(
    body: unknown,
    credentials: BackstageCredentials<
      BackstageUserPrincipal | BackstageServicePrincipal
    >,
  ): Promise<ApplyResult> {
    const { manifest, owner } = await this.#admit(body, credentials);
    const userRef = actorRef(credentials);
    const result = await this.deps.clusters.apply(manifest, { owner, userRef });
    if (result.specChanged) {
      this.deps.controller.enqueue(result.cluster.metadata.uid);
    }
    return result;
  }

  /**
   * Every check of {@link ClusterService.apply}, the permission too, and
   * nothing stored: the manifest as it would run, for the scaffolder's
   * dry-run and for plans.
   */
  async dryRun(
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<{ manifest: EngineCluster; created: boolean }> {
    const { manifest, existing } = await this.#admit(body, credentials);
    return { manifest, created: !existing };
  }

  async #admit(body: unknown, credentials: BackstageCredentials) {
    // What is stored is what runs: the named engine template and region
    // profile applied, every parameter admitted.
    const manifest = admitManifest(
      body,
      this.deps.offerings,
      this.deps.drivers,
    );
    const { namespace, name } = manifest.metadata;
    const existing = await this.deps.clusters.find(namespace, name);
    if (existing) {
      await this.#require(
        basaltClusterUpdatePermission,
        credentials,
        clusterRefOf(existing),
      );
    } else {
      await this.#require(basaltClusterCreatePermission, credentials);
    }
    // Volumes and backups must have somewhere to go before the cluster exists.
    await this.#checkStorage(manifest, existing);
    this.deps.repositories.get(backupPolicyOf(manifest.spec).repository);
    await this.#checkRestore(manifest, existing, credentials);
    // Decided with the rest, before anything is stored; only a new cluster
    // takes it.
    const owner =
      manifest.metadata.annotations[OWNER_ANNOTATION] ??
      existing?.metadata.annotations[OWNER_ANNOTATION] ??
      (await defaultOwner(this.deps.userInfo, credentials));
    if (!existing) {
      await requireMayOperateAs(this.deps.permissions, credentials, {
        ref: `${namespace}/${name}`,
        owner,
      });
    }
    return { manifest, existing, owner };
  }

  /**
   * `spec.storage` names a configured pool, and a change of an existing
   * cluster's storage fits its nodes' pools.
   */
  async #checkStorage(
    manifest: EngineCluster,
    existing: ClusterResource | undefined,
  ): Promise<void> {
    const { pool } = manifest.spec.storage;
    const pools = await this.deps.pools.current();
    const names = [...new Set(pools.map(p => p.pool))];
    if (!names.includes(pool)) {
      throw new InputError(
        `spec.storage.pool: no volume pool '${pool}' is configured; configured: ${
          names.join(', ') || 'none'
        }`,
      );
    }
    if (existing) {
      checkStorageChange({
        existing,
        next: manifest.spec.storage,
        pools,
        instances: await this.deps.instances.withStorage(),
      });
    }
  }

  /**
   * `spec.restore` is where a new cluster's data comes from: with the
   * restore permission on the cluster the backup is of, and resolvable to
   * a completed backup of the same engine. It cannot change afterwards.
   */
  async #checkRestore(
    manifest: EngineCluster,
    existing: ClusterResource | undefined,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const { restore } = manifest.spec;
    if (existing) {
      if (!isDeepStrictEqual(restore, existing.spec.restore)) {
        throw new InputError(
          `spec.restore: can only be set when a cluster is created; ${clusterRefOf(
            existing,
          )} exists, so restore into a new cluster instead`,
        );
      }
      return;
    }
    if (!restore) return;
    const plan = await this.deps.restores.plan(restore, manifest.spec);
    const { namespace, name } = plan.backup.record.cluster;
    await this.#require(
      basaltClusterRestorePermission,
      credentials,
      `${namespace}/${name}`,
    );
  }

  /** What the platform team offers: templates, profiles, size classes. */
  offerings(): Offerings {
    return this.deps.offerings;
  }

  async get(
    namespace: string,
    name: string,
    credentials: BackstageCredentials,
  ) {
    const cluster = await this.deps.clusters.get(namespace, name);
    await this.#require(
      basaltClusterReadPermission,
      credentials,
      clusterRefOf(cluster),
    );
    return cluster;
  }

  /** The clusters matching `filter` that the caller may read. */
  async list(
    filter: ClusterFilter,
    credentials: BackstageCredentials,
  ): Promise<ClusterResource[]> {
    const clusters = await this.deps.clusters.list(filter);
    if (clusters.length === 0) return [];
    const decisions = await this.deps.permissions.authorize(
      clusters.map(cluster => ({
        permission: basaltClusterReadPermission,
        resourceRef: clusterRefOf(cluster),
      })),
      { credentials },
    );
    return clusters.filter(
      (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
    );
  }

  /**
   * Requests deletion as the termination policy allows; the controller
   * removes the instances and then the record.
   */
  async delete(
    namespace: string,
    name: string,
    credentials: BackstageCredentials,
  ) {
    const cluster = await this.deps.clusters.get(namespace, name);
    const ref = clusterRefOf(cluster);
    await this.#require(basaltClusterDeletePermission, credentials, ref);
    const policy = cluster.spec.terminationPolicy;
    if (policy === 'DoNotTerminate') {
      throw new ConflictError(
        `EngineCluster ${ref} has terminationPolicy DoNotTerminate and cannot be deleted; apply it with terminationPolicy Delete or BackupThenDelete first`,
      );
    }
    await this.deps.clusters.markForDeletion(cluster.metadata.uid);
    this.deps.controller.enqueue(cluster.metadata.uid);
    return this.deps.clusters.get(namespace, name);
  }

  /**
   * Requests a rolling restart: the controller restarts every instance,
   * replicas first, one at a time, each ready before the next, and then
   * switches over from the primary, which rejoins as a replica.
   */
  async restart(
    namespace: string,
    name: string,
    credentials: BackstageCredentials,
  ): Promise<ClusterResource> {
    return this.#requestOperation(namespace, name, credentials, async () => {
      await this.deps.clusters.requestRestart(
        namespace,
        name,
        new Date().toISOString(),
      );
      return {
        reason: 'RestartRequested',
        message: `Rolling restart requested by ${actorRef(
          credentials,
        )}: replicas first, one at a time, then the primary by a switchover where it has replicas`,
      };
    });
  }

  /**
   * Asks for a planned switchover to `body.target` (a replica's name) or,
   * without one, to the most advanced replica; the controller carries it
   * out once the cluster is healthy.
   */
  async switchover(
    namespace: string,
    name: string,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<ClusterResource> {
    return this.#requestOperation(
      namespace,
      name,
      credentials,
      async cluster => {
        const target = switchoverTarget(body, cluster);
        await this.deps.primaries.requestSwitchover(namespace, name, {
          ...(target && { target }),
          requestedAt: new Date().toISOString(),
        });
        return {
          reason: 'SwitchoverRequested',
          message: `Switchover to ${
            target ?? 'the most advanced replica'
          } requested by ${actorRef(credentials)}`,
        };
      },
    );
  }

  /**
   * A day-2 operation the controller carries out: with the update
   * permission, `record` stores the request and says what it was; the
   * request becomes an event and the cluster is reconciled at once.
   */
  async #requestOperation(
    namespace: string,
    name: string,
    credentials: BackstageCredentials,
    record: (
      cluster: ClusterResource,
    ) => Promise<{ reason: string; message: string }>,
  ): Promise<ClusterResource> {
    const cluster = await this.deps.clusters.get(namespace, name);
    await this.#require(
      basaltClusterUpdatePermission,
      credentials,
      `${namespace}/${name}`,
    );
    const { reason, message } = await record(cluster);
    await this.#record(cluster, reason, message);
    this.deps.controller.enqueue(cluster.metadata.uid);
    return this.deps.clusters.get(namespace, name);
  }

  /**
   * Sets `spec.replicas`, validated as an apply of the stored manifest with
   * the new count would be (schema and profile rules), and applied so that
   * the generation moves on and the controller adds or removes replicas.
   */
  async scale(
    namespace: string,
    name: string,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<ClusterResource> {
    const applied = await this.deps.clusters.getApplied(namespace, name);
    await this.#require(
      basaltClusterUpdatePermission,
      credentials,
      `${namespace}/${name}`,
    );
    const replicas = replicasFrom(body);
    const { manifest } = applied;
    const scaled = admitManifest(
      { ...manifest, spec: { ...manifest.spec, replicas } },
      this.deps.offerings,
      this.deps.drivers,
    );
    const result = await this.deps.clusters.apply(
      scaled,
      { owner: applied.owner, userRef: actorRef(credentials) },
      { expectedGeneration: applied.generation },
    );
    if (result.specChanged) {
      await this.#record(
        result.cluster,
        'ScaleRequested',
        `Scaling from ${
          manifest.spec.replicas
        } to ${replicas} instances, requested by ${actorRef(credentials)}`,
      );
      this.deps.controller.enqueue(result.cluster.metadata.uid);
    }
    return result.cluster;
  }

  async events(
    namespace: string,
    name: string,
    limit: number,
    credentials: BackstageCredentials,
  ): Promise<ClusterEvent[]> {
    const cluster = await this.get(namespace, name, credentials);
    return this.deps.events.list(
      { ref: clusterRefOf(cluster), uid: cluster.metadata.uid },
      { limit },
    );
  }

  #require(
    permission: Parameters<typeof requirePermission>[1],
    credentials: BackstageCredentials,
    resourceRef?: string,
  ): Promise<void> {
    return requirePermission(
      this.deps.permissions,
      permission,
      credentials,
      resourceRef,
    );
  }

  #record(cluster: ClusterResource, reason: string, message: string) {
    return this.deps.events.record({
      clusterUid: cluster.metadata.uid,
      cluster: clusterRefOf(cluster),
      type: 'Normal',
      reason,
      message,
    });
  }
}

/** The `replicas` of a scale request body; its range is the manifest's. */
function replicasFrom(body: unknown): number {
  const replicas = (body as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number') {
    throw new InputError(
      `replicas: must be a number of instances, e.g. {"replicas": 3}; got ${
        replicas === undefined ? 'none' : JSON.stringify(replicas)
      }`,
    );
  }
  return replicas;
}
