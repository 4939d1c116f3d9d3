import {
  COMPONENT_ANNOTATION,
  clusterRefOf,
} from '@basalt/plugin-basalt-common';
import { normaliseComponentRef } from './componentRef';

/** What the index reads of a cluster: its ref and its annotations. */
export type IndexedCluster = {
  metadata: {
    namespace: string;
    name: string;
    annotations?: Record<string, string>;
  };
};

/**
 * Which Basalt clusters serve which component, kept in memory by the cluster
 * provider from the list it fetches anyway, and read by the processor for
 * every Component without another call to Basalt.
 *
 * @public
 */
export class ComponentDatabasesIndex {
  #byComponent = new Map<string, string[]>();

  /**
   * The refs (`namespace/name`) of the clusters serving a component, sorted;
   * empty when none does, or before the provider's first run.
   */
  databasesOf(componentRef: string): string[] {
    const key = normaliseComponentRef(componentRef);
    return (key && this.#byComponent.get(key)) || [];
  }

  /**
   * Replaces the index with what `clusters` say and returns the components
   * whose set of clusters changed (gained, lost or first seen), normalised
   * and sorted: the ones whose annotation is now stale.
   */
  replace(clusters: Iterable<IndexedCluster>): string[] {
    const next = new Map<string, string[]>();
    for (const cluster of clusters) {
      const named = cluster.metadata.annotations?.[COMPONENT_ANNOTATION];
      const component = named && normaliseComponentRef(named);
      if (!component) continue;
      next.set(component, [
        ...(next.get(component) ?? []),
        clusterRefOf(cluster),
      ]);
    }
    for (const refs of next.values()) refs.sort();

    const changed = new Set<string>();
    for (const [component, refs] of next) {
      if (!sameList(refs, this.#byComponent.get(component))) {
        changed.add(component);
      }
    }
    for (const component of this.#byComponent.keys()) {
      if (!next.has(component)) changed.add(component);
    }
    this.#byComponent = next;
    return [...changed].sort();
  }
}

function sameList(a: string[], b: string[] | undefined): boolean {
  return (
    b !== undefined && a.length === b.length && a.every((x, i) => x === b[i])
  );
}
