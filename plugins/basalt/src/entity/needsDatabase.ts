import { Entity } from '@backstage/catalog-model';
import { hasBasaltClusters } from './clusterRefs';

/**
 * Whether the entity is a Component no Basalt database serves yet: where
 * the "Add a database" card invites its developers to create one. It is the
 * complement of the database cards' filter on Components, so a Component's
 * page shows either those cards or the invitation, never both.
 */
export function needsBasaltDatabase(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    !hasBasaltClusters(entity)
  );
}
