import {
  ClusterResource,
  ENGINE_CLUSTER_API_VERSION,
  ENGINE_CLUSTER_KIND,
  OWNER_ANNOTATION,
  EngineCluster,
  EngineClusterStatus,
} from '@basalt/plugin-basalt-common';

/** A row of `basalt_clusters`. */
export interface ClusterRow {
  uid: string;
  namespace: string;
  name: string;
  spec: string;
  labels: string;
  annotations: string;
  owner: string;
  created_by: string;
  generation: number;
  status: string | null;
  created_at: string;
  updated_at: string;
  deletion_requested_at: string | null;
  /** Added by migration 20261124120000; see ClusterStore.requestRestart. */
  restart_requested_at: string | null;
  /** Added by migration 20261124130000; see PrimaryStore. */
  primary_instance: string | null;
  /** JSON of a {@link SwitchoverRequest}; see PrimaryStore. */
  switchover_request: string | null;
  /** Added by migration 20261124140000; see LifecycleStore. */
  restored_at: string | null;
  restore_failure: string | null;
  final_backup: string | null;
  /** JSON of a {@link DeletionBlock}. */
  deletion_blocked: string | null;
  /** Added by migration 20261206120000; see LifecycleStore.markHeldData. */
  held_data_at: string | null;
}

/** Why a requested deletion was not carried out. */
export interface DeletionBlock {
  reason: string;
  message: string;
  /** ISO 8601. */
  at: string;
}

/** A planned switchover someone asked for. */
export interface SwitchoverRequest {
  /** The replica to promote; the most advanced ready one when absent. */
  target?: string;
  /** ISO 8601. */
  requestedAt: string;
}

/** JSON with sorted keys, so equal values serialise equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

export function rowToResource(row: ClusterRow): ClusterResource {
  return {
    apiVersion: ENGINE_CLUSTER_API_VERSION,
    kind: ENGINE_CLUSTER_KIND,
    metadata: {
      name: row.name,
      namespace: row.namespace,
      labels: JSON.parse(row.labels),
      // The owner recorded at creation (the annotation as applied, or else
      // the creator) is always shown, so readers need not guess it.
      annotations: {
        ...JSON.parse(row.annotations),
        [OWNER_ANNOTATION]: row.owner,
      },
      uid: row.uid,
      generation: Number(row.generation),
      creationTimestamp: row.created_at,
      ...(row.deletion_requested_at && {
        deletionTimestamp: row.deletion_requested_at,
      }),
    },
    spec: JSON.parse(row.spec) as EngineCluster['spec'],
    ...(row.status && {
      status: JSON.parse(row.status) as EngineClusterStatus,
    }),
  };
}
