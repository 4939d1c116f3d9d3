import { Entity } from '@backstage/catalog-model';
import {
  CLUSTER_ANNOTATION,
  ClusterRef,
  DATABASES_ANNOTATION,
} from '@basalt/plugin-basalt-common';

function parseClusterRef(value: string): ClusterRef | undefined {
  const [namespace, name, ...rest] = value.trim().split('/');
  return namespace && name && rest.length === 0
    ? { namespace, name }
    : undefined;
}

/**
 * The Basalt clusters an entity stands for: the one a database Resource
 * names in `basalt.dev/cluster`, or those a Component's
 * `basalt.dev/databases` lists (kept there by the catalog module).
 */
export function clusterRefsOf(entity: Entity): ClusterRef[] {
  const annotations = entity.metadata.annotations ?? {};
  const kind = entity.kind.toLocaleLowerCase('en-US');
  let values: string[] = [];
  if (kind === 'resource' && annotations[CLUSTER_ANNOTATION]) {
    values = [annotations[CLUSTER_ANNOTATION]];
  } else if (kind === 'component' && annotations[DATABASES_ANNOTATION]) {
    values = annotations[DATABASES_ANNOTATION].split(',');
  }
  return values.flatMap(value => parseClusterRef(value) ?? []);
}

/** Whether the Basalt cards and tab belong on the entity's page. */
export function hasBasaltClusters(entity: Entity): boolean {
  return clusterRefsOf(entity).length > 0;
}

/** `namespace/name`, as the API and events name clusters. */
export function formatClusterRef(ref: ClusterRef): string {
  return `${ref.namespace}/${ref.name}`;
}
