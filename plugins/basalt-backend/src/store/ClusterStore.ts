import { isDatabaseConflictError } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ClusterResource,
  EngineCluster,
  EngineClusterStatus,
} from '@basalt/plugin-basalt-common';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import { ClusterRow, canonicalJson, rowToResource } from './rows';

const TABLE = 'basalt_clusters';

/** The outcome of an apply. */
export interface ApplyResult {
  cluster: ClusterResource;
  /** A new cluster was created. */
  created: boolean;
  /** The spec changed, so `generation` was bumped. */
  specChanged: boolean;
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
  ): Promise<ApplyResult> {
    try {
      return await this.knex.transaction(tx =>
        this.#apply(tx, manifest, actor),
      );
    } catch (error) {
      // Two applies of a new cluster raced: the loser updates instead.
      if (isDatabaseConflictError(error)) {
        return this.knex.transaction(tx => this.#apply(tx, manifest, actor));
      }
      throw error;
    }
  }

  async #apply(
    tx: Knex.Transaction,
    manifest: EngineCluster,
    actor: { owner: string; userRef: string },
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
      };
      await tx(TABLE).insert(row);
      return { cluster: rowToResource(row), created: true, specChanged: true };
    }
    if (existing.deletion_requested_at) {
      throw new ConflictError(
        `EngineCluster ${namespace}/${name} is being deleted; apply it again once it is gone`,
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
    await tx(TABLE)
      .where({ uid: existing.uid })
      .update({ ...update, updated_at: now });
    return {
      cluster: rowToResource({ ...existing, ...update, updated_at: now }),
      created: false,
      specChanged,
    };
  }

  /** @throws NotFoundError when there is no such cluster. */
  async get(namespace: string, name: string): Promise<ClusterResource> {
    const row = await this.knex<ClusterRow>(TABLE)
      .where({ namespace, name })
      .first();
    if (!row) {
      throw new NotFoundError(`EngineCluster ${namespace}/${name} not found`);
    }
    return rowToResource(row);
  }

  async getByUid(uid: string): Promise<ClusterResource | undefined> {
    const row = await this.knex<ClusterRow>(TABLE).where({ uid }).first();
    return row && rowToResource(row);
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

  /** Records that deletion was requested; the controller does the rest. */
  async markForDeletion(uid: string): Promise<void> {
    await this.knex<ClusterRow>(TABLE)
      .where({ uid })
      .whereNull('deletion_requested_at')
      .update({ deletion_requested_at: new Date().toISOString() });
  }

  /** Forgets the cluster once everything of it is gone. */
  async remove(uid: string): Promise<void> {
    await this.knex<ClusterRow>(TABLE).where({ uid }).delete();
  }
}
