import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  BACKUP_METHODS,
  BackupMethod,
  BackupRecord,
  ClusterResource,
  ENGINE_CLUSTER_API_VERSION,
  ENGINE_CLUSTER_KIND,
  OWNER_ANNOTATION,
  RestoreRequest,
  RestoreSource,
  basaltClusterBackupPermission,
  basaltClusterReadPermission,
} from '@basalt/plugin-basalt-common';
import { BackupRunner } from '../backups/BackupRunner';
import { ClusterAccessor } from '../backups/clusterAccess';
import { BackupStore, ClusterStore } from '../store';
import { actorRef, requirePermission } from './authorization';
import { ClusterService } from './ClusterService';

/**
 * The backup routes' logic, permission-checked: a cluster's backups (also
 * those of a deleted cluster of that name, governed by its owner), taking
 * one, and restoring into a new cluster.
 */
export class BackupService {
  constructor(
    private readonly deps: {
      clusters: ClusterStore;
      clusterService: ClusterService;
      backups: BackupStore;
      runner: BackupRunner;
      accessor: ClusterAccessor;
      permissions: PermissionsService;
    },
  ) {}

  /** The backups of every cluster that had this name, newest first. */
  async list(
    namespace: string,
    name: string,
    credentials: BackstageCredentials,
  ): Promise<BackupRecord[]> {
    await this.#require(
      basaltClusterReadPermission,
      credentials,
      namespace,
      name,
    );
    const backups = await this.deps.backups.listForCluster(namespace, name);
    return backups.map(b => b.record);
  }

  /** @throws NotFoundError unless the backup is of this cluster name. */
  async get(
    namespace: string,
    name: string,
    id: string,
    credentials: BackstageCredentials,
  ): Promise<BackupRecord> {
    await this.#require(
      basaltClusterReadPermission,
      credentials,
      namespace,
      name,
    );
    const { record } = await this.deps.backups.get(id);
    if (
      record.cluster.namespace !== namespace ||
      record.cluster.name !== name
    ) {
      throw new NotFoundError(
        `Backup ${id} not found for EngineCluster ${namespace}/${name}`,
      );
    }
    return record;
  }

  /** Starts a backup; answers with it `Running`. */
  async create(
    namespace: string,
    name: string,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<BackupRecord> {
    const method = methodFrom(body);
    const cluster = await this.deps.clusters.get(namespace, name);
    await this.#require(
      basaltClusterBackupPermission,
      credentials,
      namespace,
      name,
    );
    if (cluster.metadata.deletionTimestamp) {
      throw new ConflictError(
        `EngineCluster ${namespace}/${name} is being deleted; its final backup is taken by the deletion`,
      );
    }
    const stored = await this.deps.clusters.findByUid(cluster.metadata.uid);
    const access = await this.deps.accessor.primary(
      cluster,
      stored?.primaryInstance,
    );
    const { record } = await this.deps.runner.start(
      access,
      cluster.metadata.annotations[OWNER_ANNOTATION],
      { method, trigger: 'manual', requestedBy: actorRef(credentials) },
    );
    return record;
  }

  /**
   * Creates a new cluster from the backups of `namespace/name` (which may
   * be deleted), with its spec and `spec.restore` set; apply's checks and
   * permissions apply, and the restore permission on the source.
   */
  async restore(
    namespace: string,
    name: string,
    body: unknown,
    credentials: BackstageCredentials<
      BackstageUserPrincipal | BackstageServicePrincipal
    >,
  ): Promise<ClusterResource> {
    const request = restoreRequestFrom(body);
    const target = {
      namespace: request.namespace ?? namespace,
      name: request.name,
    };
    if (await this.deps.clusters.find(target.namespace, target.name)) {
      throw new ConflictError(
        `EngineCluster ${target.namespace}/${target.name} already exists; restore into a new name`,
      );
    }
    const source = await this.#sourceManifest(namespace, name, credentials);
    if (request.backup)
      await this.#checkBackupOf(request.backup, namespace, name);
    const restore: RestoreSource = request.backup
      ? { backup: request.backup }
      : {
          cluster: `${namespace}/${name}`,
          ...(request.time && { time: request.time }),
        };
    const { cluster } = await this.deps.clusterService.apply(
      {
        apiVersion: ENGINE_CLUSTER_API_VERSION,
        kind: ENGINE_CLUSTER_KIND,
        metadata: {
          ...target,
          labels: source.labels,
          annotations: source.annotations,
        },
        spec: { ...source.spec, restore },
      },
      credentials,
    );
    return cluster;
  }

  /** @throws InputError unless the backup is one of `namespace/name`. */
  async #checkBackupOf(id: string, namespace: string, name: string) {
    const backup = await this.deps.backups.find(id);
    const of = backup?.record.cluster;
    if (!of || of.namespace !== namespace || of.name !== name) {
      throw new InputError(
        `backup: there is no backup '${id}' of EngineCluster ${namespace}/${name}`,
      );
    }
  }

  /** The source's manifest: the cluster's, or its newest backup's when gone. */
  async #sourceManifest(
    namespace: string,
    name: string,
    credentials: BackstageCredentials,
  ) {
    await this.#require(
      basaltClusterReadPermission,
      credentials,
      namespace,
      name,
    );
    const applied = await this.deps.clusters.findApplied(namespace, name);
    if (applied) {
      const { labels, annotations } = applied.manifest.metadata;
      return {
        labels,
        // The restored cluster belongs to the source's owner.
        annotations: { ...annotations, [OWNER_ANNOTATION]: applied.owner },
        spec: withoutRestore(applied.manifest.spec),
      };
    }
    const [newest] = await this.deps.backups.listForCluster(namespace, name);
    if (!newest) {
      throw new NotFoundError(
        `EngineCluster ${namespace}/${name} not found, and it has no backups`,
      );
    }
    const { labels, annotations } = newest.manifest.metadata;
    return { labels, annotations, spec: withoutRestore(newest.manifest.spec) };
  }

  #require(
    permission: Parameters<typeof requirePermission>[1],
    credentials: BackstageCredentials,
    namespace: string,
    name: string,
  ) {
    return requirePermission(
      this.deps.permissions,
      permission,
      credentials,
      `${namespace}/${name}`,
    );
  }
}

function withoutRestore<T extends { restore?: unknown }>(spec: T) {
  const { restore: _restore, ...rest } = spec;
  return rest;
}

function methodFrom(body: unknown): BackupMethod | undefined {
  const method = (body as { method?: unknown } | undefined)?.method;
  if (method === undefined) return undefined;
  if (!BACKUP_METHODS.includes(method as BackupMethod)) {
    throw new InputError(
      `method: must be one of ${BACKUP_METHODS.join(
        ', ',
      )}, got ${JSON.stringify(method)}`,
    );
  }
  return method as BackupMethod;
}

const RESTORE_FIELDS = ['name', 'namespace', 'backup', 'time'];

function restoreRequestFrom(body: unknown): RestoreRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError(
      'The body must be a JSON object: { name, namespace?, backup? | time? }',
    );
  }
  const unknown = Object.keys(body).filter(k => !RESTORE_FIELDS.includes(k));
  if (unknown.length > 0) {
    throw new InputError(
      `${unknown[0]}: unknown field; allowed: ${RESTORE_FIELDS.join(', ')}`,
    );
  }
  const request = body as Record<string, unknown>;
  for (const field of RESTORE_FIELDS) {
    const value = request[field];
    if (value !== undefined && typeof value !== 'string') {
      throw new InputError(`${field}: must be a string`);
    }
  }
  if (!request.name) {
    throw new InputError('name: the new cluster needs a name');
  }
  if (request.backup && request.time) {
    throw new InputError(
      'backup, time: give a backup id or a time to recover to, not both',
    );
  }
  return request as unknown as RestoreRequest;
}
