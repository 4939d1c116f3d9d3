import { V1OwnerReference } from '@kubernetes/client-node';

/** The object every namespaced object of a cluster is owned by. */
export interface OwnerObject {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

/**
 * Owner references to the cluster's anchor (its ConfigMap): deleting it
 * lets Kubernetes' garbage collector remove whatever of the cluster Basalt
 * did not get to, e.g. after a backend was lost mid-deletion.
 */
export function ownedBy(owner: OwnerObject): V1OwnerReference[] {
  return [{ ...owner, controller: true, blockOwnerDeletion: false }];
}
