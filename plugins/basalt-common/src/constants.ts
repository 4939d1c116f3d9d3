/**
 * The plugin id shared by every Basalt package: routes live under
 * `/api/basalt`, config under `basalt`.
 *
 * @public
 */
export const BASALT_PLUGIN_ID = 'basalt';

/**
 * Annotation on a manifest naming the group that owns the cluster (an entity
 * ref); the API records it as the owner for permission rules.
 *
 * @public
 */
export const OWNER_ANNOTATION = 'basalt.dev/owner';

/**
 * Annotation on a manifest naming the component the database serves (an
 * entity ref).
 *
 * @public
 */
export const COMPONENT_ANNOTATION = 'basalt.dev/component';

/**
 * Annotation on a catalog entity naming the Basalt cluster it stands for
 * (`namespace/name`).
 *
 * @public
 */
export const CLUSTER_ANNOTATION = 'basalt.dev/cluster';

/**
 * Annotation the catalog module keeps on each Component that Basalt clusters
 * serve: their refs (`namespace/name`), comma-separated and sorted. It lets
 * the frontend tell from the entity alone whether to show database cards.
 *
 * @public
 */
export const DATABASES_ANNOTATION = 'basalt.dev/databases';
