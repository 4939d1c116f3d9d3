import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  CLUSTER_ANNOTATION,
  COMPONENT_ANNOTATION,
  ClusterResource,
  OWNER_ANNOTATION,
  clusterRefOf,
} from '@basalt/plugin-basalt-common';
import { ClusterDocs } from './clusterDocs';
import { normaliseComponentRef } from './componentRef';

/**
 * The catalog's view of a cluster: a Resource named like the cluster in an
 * entity namespace of the cluster's namespace, owned by the cluster's owner,
 * a dependency of the component it serves. Never carries credentials. Its
 * `spec.type` is what a cluster of its engine is (the engine's capabilities'
 * `kind`: `database`, `cache`), `database` when the engine is not installed.
 * With `docs`, its docs tab shows Basalt's documentation and its links lead
 * to the runbooks.
 */
export function clusterToEntity(
  cluster: ClusterResource,
  locationBase: string,
  engineKind?: string,
  docs?: ClusterDocs,
): Entity {
  const ref = clusterRefOf(cluster);
  const { annotations } = cluster.metadata;
  const location = `url:${locationBase}/clusters/${ref}`;
  const named = annotations[COMPONENT_ANNOTATION];
  // The catalog would resolve a partial ref against the Resource's namespace;
  // resolving it like the Component's `basalt.dev/databases` keeps the two in
  // agreement. An unparsable value stays as it is, for the catalog to report.
  const component = named && (normaliseComponentRef(named) ?? named);
  const phase = cluster.status?.phase ?? 'Pending';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: cluster.metadata.name,
      namespace: cluster.metadata.namespace,
      title: `${cluster.metadata.name} (${cluster.spec.engine} ${cluster.spec.version})`,
      description: `${cluster.spec.engine} ${cluster.spec.version} cluster with ${cluster.spec.replicas} instance(s), managed by Basalt; ${phase}`,
      tags: [cluster.spec.engine, 'basalt'],
      annotations: {
        ...docs?.annotations,
        [CLUSTER_ANNOTATION]: ref,
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
      },
      ...(docs && docs.links.length > 0 && { links: docs.links }),
    },
    spec: {
      type: engineKind ?? 'database',
      owner: annotations[OWNER_ANNOTATION],
      ...(component && { dependencyOf: [component] }),
    },
  };
}
