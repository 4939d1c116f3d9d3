import { isDatabaseConflictError } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ClusterResource,
  ENGINE_CLUSTER_API_VERSION,
  ENGINE_CLUSTER_KIND,
  EngineCluster,
  EngineClusterStatus,
} from '@basalt/plugin-basalt-common';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import { ClusterLifecycle, lifecycleOf } from './LifecycleStore';
import {
  ClusterRow,
  SwitchoverRequest,
  canonicalJson,
  rowToResource,
} from './rows';

const TABLE = 'basalt_clusters';

/** The outcome of an apply. */
export interface ApplyResult {
  cluster: ClusterResource;
  /** A new cluster was created. */
  created: boolean;
  /** The spec changed, so `generation` was bumped. */
  specChanged: boolean;
}

/** A cluster with what only the controller needs to know of it. */
export interface StoredCluster {
  cluster: ClusterResource;
  /** When a rolling restart was last requested (ISO 8601), if ever. */
  restartRequestedAt?: string;
  /** The instance the controller made primary, once there is one. */
  primaryInstance?: string;
  /** A planned switchover waiting to be carried out. */
  switchover?: SwitchoverRequest;
  /** What the controller remembers of the cluster's restore and deletion. */
  lifecycle: ClusterLifecycle;
}

/** A cluster's manifest exactly as last applied, for read-modify-apply. */
export interface AppliedManifest {
  /** Annotations as applied, without the owner responses always show. */
  manifest: EngineCluster;
  owner: string;
  generation: number;
}

/** Options of {@link ClusterStore.apply}. */
export interface ApplyOptions {
  /**
   * Apply only if the stored generation is still this one (ConflictError
   * otherwise), so a read-modify-apply never undoes an apply made between.
   */
  expectedGeneration?: number;
}

/** Filters for {@link ClusterStore.list}; all given ones must match. */
export interface ClusterFilter {
  namespace?: string;
  owner?: string;
  /** Every label must be present with this value. */
  labels?: Record<string, string>;
}

/**
 * Clusters in the Backstage database: the declared manifest with its
 * `generation`, and the status the controller observed.
 */
export class ClusterStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Creates the cluster or updates its manifest; idempotent. A changed spec
   * bumps `generation`; an unchanged one writes nothing.
   */
  async apply(
    manifest: EngineCluster,
    actor: { owner: string; userRef: string },
    options: ApplyOptions = {},
  ): Promise<ApplyResult> {
    try {
      return await this.knex.transaction(tx =>
        this.#apply(tx, manifest, actor, options),
      );
    } catch (error) {
      // Two applies of a new cluster raced: the loser updates instead.
      if (isDatabaseConflictError(error)) {
        return this.knex.transaction(tx =>
          this.#apply(tx, manifest, actor, options),
        );
      }
      throw error;
    }
  }

  async #apply(
    tx: Knex.Transaction,
    manifest: EngineCluster,
    actor: { owner: string; userRef: string },
    options: ApplyOptions,
  ): Promise<ApplyResult> {
    const { namespace, name, labels, annotations } = manifest.metadata;
    const now = new Date().toISOString();
    const spec = canonicalJson(manifest.spec);
    const existing = await tx<ClusterRow>(TABLE)
      .where({ namespace, name })
      .forUpdate()
      .first();

    if (!existing) {
      const row: ClusterRow = {
        uid: randomUUID(),
        namespace,
        name,
        spec,
        labels: canonicalJson(labels),
        annotations: canonicalJson(annotations),
        owner: actor.owner,
        created_by: actor.userRef,
        generation: 1,
        status: null,
        created_at: now,
        updated_at: now,
        deletion_requested_at: null,
        restart_requested_at: null,
        primary_instance: null,
        switchover_request: null,
        restored_at: null,
        restore_failure: null,
        final_backup: null,
        deletion_blocked: null,
        held_data_at: null,
      };
      await tx(TABLE).insert(row);
      return { cluster: rowToResource(row), created: true, specChanged: true };
    }
    if (existing.deletion_requested_at) {
      throw new ConflictError(
        `EngineCluster ${namespace}/${name} is being deleted; apply it again once it is gone`,
      );
    }
    const { expectedGeneration } = options;
    if (
      expectedGeneration !== undefined &&
      Number(existing.generation) !== expectedGeneration
    ) {
      throw new ConflictError(
        `EngineCluster ${namespace}/${name} was changed meanwhile (generation ${existing.generation}, not ${expectedGeneration}); try again`,
      );
    }
    const specChanged = existing.spec !== spec;
    const update = {
      spec,
      labels: canonicalJson(labels),
      annotations: canonicalJson(annotations),
      generation: Number(existing.generation) + (specChanged ? 1 : 0),
    };
    const changed =
      specChanged ||
      update.labels !== existing.labels ||
      update.annotations !== existing.annotations;
    if (!changed) {
      return { cluster: rowToResource(existing), created: false, specChanged };
    }
    // An apply answers a blocked deletion: its condition has been read.
    await tx(TABLE)
      .where({ uid: existing.uid })
      .update({ ...update, updated_at: now, deletion_blocked: null });
    return {
      cluster: rowToResource({ ...existing, ...update, updated_at: now }),
      created: false,
      specChanged,
    };
  }

  /** The cluster, or undefined when there is none by that name. */
  async find(
    namespace: string,
    name: string,
  ): Promise<ClusterResource | undefined> {
    const row = await this.knex<ClusterRow>(TABLE)
      .where({ namespace, name })
      .first();
    return row && rowToResource(row);
  }

  /** @throws NotFoundError when there is no such cluster. */
  async get(namespace: string, name: string): Promise<ClusterResource> {
    const cluster = await this.find(namespace, name);
    if (!cluster) {
      throw new NotFoundError(`EngineCluster ${namespace}/${name} not found`);
    }
    return cluster;
  }

  /**
   * The manifest as last applied, with the recorded owner and generation;
   * undefined when there is no such cluster.
   */
  async findApplied(
    namespace: string,
    name: string,
  ): Promise<AppliedManifest | undefined> {
    const row = await this.knex<ClusterRow>(TABLE)
      .where({ namespace, name })
      .first();
    if (!row) return undefined;
    return {
      manifest: {
        apiVersion: ENGINE_CLUSTER_API_VERSION,
        kind: ENGINE_CLUSTER_KIND,
        metadata: {
          namespace,
          name,
          labels: JSON.parse(row.labels),
          annotations: JSON.parse(row.annotations),
        },
        spec: JSON.parse(row.spec),
      },
      owner: row.owner,
      generation: Number(row.generation),
    };
  }

  /**
   * The manifest as last applied, with the recorded owner and generation.
   *
   * @throws NotFoundError when there is no such cluster.
   */
  async getApplied(namespace: string, name: string): Promise<AppliedManifest> {
    const applied = await this.findApplied(namespace, name);
    if (!applied) {
      throw new NotFoundError(`EngineCluster ${namespace}/${name} not found`);
    }
    return applied;
  }

  /** The cluster with what the controller keeps of it; undefined when gone. */
  async findByUid(uid: string): Promise<StoredCluster | undefined> {
    const row = await this.knex<ClusterRow>(TABLE).where({ uid }).first();
    if (!row) return undefined;
    return {
      cluster: rowToResource(row),
      ...(row.restart_requested_at && {
        restartRequestedAt: row.restart_requested_at,
      }),
      ...(row.primary_instance && { primaryInstance: row.primary_instance }),
      ...(row.switchover_request && {
        switchover: JSON.parse(row.switchover_request) as SwitchoverRequest,
      }),
      lifecycle: lifecycleOf(row),
    };
  }

  /**
   * Records that every instance should restart: the controller restarts
   * those whose process started before `at`. A later request replaces an
   * earlier one.
   *
   * @throws NotFoundError when there is no such cluster, ConflictError while
   * it is being deleted.
   */
  async requestRestart(
    namespace: string,
    name: string,
    at: string,
  ): Promise<void> {
    const updated = await this.knex<ClusterRow>(TABLE)
      .where({ namespace, name })
      .whereNull('deletion_requested_at')
      .update({ restart_requested_at: at });
    if (updated > 0) return;
    await this.get(namespace, name); // throws NotFoundError when unknown
    throw new ConflictError(
      `EngineCluster ${namespace}/${name} is being deleted; it cannot be restarted`,
    );
  }

  /**
   * What permission rules need of the given `namespace/name` refs, in their
   * order; `undefined` for unknown ones.
   */
  async permissionResources(
    refs: string[],
  ): Promise<Array<{ ref: string; owner: string } | undefined>> {
    const rows = await this.knex<ClusterRow>(TABLE)
      .whereIn(
        ['namespace', 'name'],
        refs.map(ref => ref.split('/') as [string, string]),
      )
      .select('namespace', 'name', 'owner');
    const owners = new Map(
      rows.map(r => [`${r.namespace}/${r.name}`, r.owner]),
    );
    return refs.map(ref => {
      const owner = owners.get(ref);
      return owner === undefined ? undefined : { ref, owner };
    });
  }

  async list(filter: ClusterFilter = {}): Promise<ClusterResource[]> {
    const query = this.knex<ClusterRow>(TABLE).orderBy(['namespace', 'name']);
    if (filter.namespace) query.where({ namespace: filter.namespace });
    if (filter.owner) query.where({ owner: filter.owner });
    const clusters = (await query).map(rowToResource);
    const wanted = Object.entries(filter.labels ?? {});
    return clusters.filter(cluster =>
      wanted.every(([key, value]) => cluster.metadata.labels[key] === value),
    );
  }

  async listUids(): Promise<string[]> {
    const rows = await this.knex<ClusterRow>(TABLE).select('uid');
    return rows.map(row => row.uid);
  }

  /**
   * Writes the controller's status; returns false, writing nothing, when it
   * is unchanged.
   */
  async updateStatus(
    uid: string,
    status: EngineClusterStatus,
  ): Promise<boolean> {
    const json = canonicalJson(status);
    const updated = await this.knex<ClusterRow>(TABLE)
      .where({ uid })
      .andWhere(q => q.whereNull('status').orWhereNot({ status: json }))
      .update({ status: json });
    return updated > 0;
  }

  /**
   * Records that deletion was requested (forgetting an earlier refusal);
   * the controller does the rest.
   */
  async markForDeletion(uid: string): Promise<void> {
    await this.knex<ClusterRow>(TABLE)
      .where({ uid })
      .whereNull('deletion_requested_at')
      .update({
        deletion_requested_at: new Date().toISOString(),
        deletion_blocked: null,
      });
  }

  /** Forgets the cluster once everything of it is gone. */
  async remove(uid: string): Promise<void> {
    await this.knex<ClusterRow>(TABLE).where({ uid }).delete();
  }
}
