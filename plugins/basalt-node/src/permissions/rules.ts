import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { BASALT_CLUSTER_RESOURCE_TYPE } from '@basalt/plugin-basalt-common';
import { z } from 'zod';

/**
 * What permission rules see of a cluster.
 *
 * @public
 */
export interface ClusterPermissionResource {
  /** `namespace/name`. */
  ref: string;
  /** Entity ref of the owning group (or user). */
  owner: string;
}

/** Query form of the rules, for filtering lists in the store. */
export type ClusterPermissionQuery = { owners: string[] };

/** @public */
export const clusterPermissionResourceRef = createPermissionResourceRef<
  ClusterPermissionResource,
  ClusterPermissionQuery
>().with({ pluginId: 'basalt', resourceType: BASALT_CLUSTER_RESOURCE_TYPE });

/**
 * True when the cluster's owner is among the given claims: pass the user's
 * ownership entity refs so a team acts only on its own databases.
 *
 * @public
 */
export const isClusterOwner = createPermissionRule({
  name: 'IS_CLUSTER_OWNER',
  description:
    'Allow clusters owned by any of the given entity refs (e.g. the user and their groups)',
  resourceRef: clusterPermissionResourceRef,
  paramsSchema: z.object({
    claims: z.array(z.string()).describe('Entity refs of the owners to allow'),
  }),
  apply: (resource, { claims }) => claims.includes(resource.owner),
  toQuery: ({ claims }) => ({ owners: claims }),
});

/** @public */
export const basaltClusterPermissionRules = { isClusterOwner };

/**
 * Conditions for permission policies, e.g.
 * `createBasaltClusterConditionalDecision(request.permission, basaltClusterConditions.isClusterOwner({ claims: user.info.ownershipEntityRefs }))`.
 *
 * @public
 */
export const {
  conditions: basaltClusterConditions,
  createConditionalDecision: createBasaltClusterConditionalDecision,
} = createConditionExports({
  pluginId: 'basalt',
  resourceType: BASALT_CLUSTER_RESOURCE_TYPE,
  rules: basaltClusterPermissionRules,
});
