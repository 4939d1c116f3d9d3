import {
  ClusterResource,
  OWNER_ANNOTATION,
} from '@basalt/plugin-basalt-common';
import { phaseOf } from '../common';

/** The Basalt page's filters; an absent one matches every cluster. */
export interface ClusterFilters {
  namespace?: string;
  owner?: string;
  engine?: string;
  status?: string;
}

/** The owner a cluster was recorded with (an entity ref). */
export function ownerOf(cluster: ClusterResource): string {
  return cluster.metadata.annotations[OWNER_ANNOTATION] ?? 'unknown';
}

const FIELDS: Record<
  keyof ClusterFilters,
  (cluster: ClusterResource) => string
> = {
  namespace: cluster => cluster.metadata.namespace,
  owner: ownerOf,
  engine: cluster => cluster.spec.engine,
  status: phaseOf,
};

/** The clusters every given filter matches. */
export function filterClusters(
  clusters: ClusterResource[],
  filters: ClusterFilters,
): ClusterResource[] {
  return clusters.filter(cluster =>
    (Object.keys(FIELDS) as (keyof ClusterFilters)[]).every(
      key => !filters[key] || FIELDS[key](cluster) === filters[key],
    ),
  );
}

/** The distinct values of one filter's field, sorted, for its choices. */
export function choicesOf(
  clusters: ClusterResource[],
  key: keyof ClusterFilters,
): string[] {
  return [...new Set(clusters.map(FIELDS[key]))].sort();
}
