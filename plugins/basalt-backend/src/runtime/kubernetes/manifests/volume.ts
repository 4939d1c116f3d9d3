import {
  V1PersistentVolume,
  V1PersistentVolumeClaim,
} from '@kubernetes/client-node';
import { ClusterKey, VolumeRequest } from '@basalt/plugin-basalt-node';
import { clusterLabels, LABELS, ObjectNames, volumeName } from '../names';
import { ownedBy, OwnerObject } from './owner';

/** Marks a claim whose data the engine's driver finished creating. */
export const INITIALIZED_ANNOTATION = 'basalt.dev/initialized';
/** The node a volume lives on (a volume never moves). */
export const NODE_ANNOTATION = 'basalt.dev/node';

/** The storage class name Basalt's volumes of `pool` carry (no provisioner). */
function storageClassOf(pool: string): string {
  return `basalt-${pool}`;
}

/** What the volume objects of one instance are built from. */
export interface InstanceVolumeInput {
  cluster: ClusterKey;
  kubeNamespace: string;
  instance: string;
  node: string;
  volume: VolumeRequest;
  owner: OwnerObject;
  /** More annotations of the claim (e.g. the instance's host port). */
  annotations?: Record<string, string>;
}

/**
 * The instance's PersistentVolume: a directory in its pool on the node
 * placement chose, pinned there by node affinity, and bound in advance to
 * the instance's claim (no provisioner is involved). Retained on release:
 * Basalt empties it itself, so data never goes without Basalt knowing.
 */
export function instanceVolume(input: InstanceVolumeInput): V1PersistentVolume {
  const names = new ObjectNames(input.cluster);
  const claim = names.claim(input.instance);
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: volumeName(input.kubeNamespace, claim),
      labels: volumeLabels(input),
      annotations: { [NODE_ANNOTATION]: input.node },
    },
    spec: {
      capacity: { storage: String(input.volume.sizeBytes) },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: storageClassOf(input.volume.pool),
      volumeMode: 'Filesystem',
      hostPath: {
        path: `${input.volume.poolPath}/${input.kubeNamespace}/${claim}`,
        type: 'DirectoryOrCreate',
      },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                {
                  key: 'kubernetes.io/hostname',
                  operator: 'In',
                  values: [input.node],
                },
              ],
            },
          ],
        },
      },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: input.kubeNamespace,
        name: claim,
      },
    },
  };
}

/** The instance's claim, bound to {@link instanceVolume} by name. */
export function instanceClaim(
  input: InstanceVolumeInput,
): V1PersistentVolumeClaim {
  const names = new ObjectNames(input.cluster);
  const claim = names.claim(input.instance);
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claim,
      namespace: input.kubeNamespace,
      labels: volumeLabels(input),
      annotations: { ...input.annotations, [NODE_ANNOTATION]: input.node },
      ownerReferences: ownedBy(input.owner),
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: storageClassOf(input.volume.pool),
      volumeName: volumeName(input.kubeNamespace, claim),
      resources: { requests: { storage: String(input.volume.sizeBytes) } },
    },
  };
}

function volumeLabels(input: InstanceVolumeInput): Record<string, string> {
  return {
    ...clusterLabels(input.cluster),
    [LABELS.instance]: input.instance,
    [LABELS.component]: 'volume',
  };
}
