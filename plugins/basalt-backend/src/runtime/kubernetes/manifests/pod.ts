import { V1Pod, V1ResourceRequirements } from '@kubernetes/client-node';
import {
  ClusterKey,
  EngineAddress,
  InstanceResources,
} from '@basalt/plugin-basalt-node';
import { EngineImage } from '../engineImages';
import { clusterLabels, LABELS, ObjectNames } from '../names';
import { ownedBy, OwnerObject } from './owner';

/** Where the instance's volume is mounted in its Pod. */
export const VOLUME_MOUNT = '/var/lib/basalt';
/** The engine's data directory, on the volume. */
export const DATA_DIR = `${VOLUME_MOUNT}/data`;
/** Basalt's own files on the volume (start markers). */
export const STATE_DIR = `${VOLUME_MOUNT}/.basalt`;
/** A memory-backed directory for secret files and private sockets. */
export const RUN_DIR = '/run/basalt';
/** The container the engine runs in. */
export const ENGINE_CONTAINER = 'engine';
/** Set on a Pod once its engine was told to start. */
export const STARTED_ANNOTATION = 'basalt.dev/started';

/**
 * The engine container's entry point. A new Pod waits until Basalt has
 * prepared its data (created it, or made it a replica of the current
 * primary) and left a marker named after this Pod's uid; a Pod of the same
 * instance that starts again later (a restart, a lost Pod made anew) waits
 * again, so data is never served before Basalt has checked its role.
 * SIGTERM from Kubernetes becomes the engine's own prompt-shutdown signal.
 */
function startScript(stopSignal: string): string {
  return [
    'set -eu',
    `marker="${STATE_DIR}/start-$POD_UID"`,
    'until [ -e "$marker" ]; do sleep 0.5; done',
    `for old in "${STATE_DIR}"/start-*; do [ "$old" = "$marker" ] || rm -f "$old"; done`,
    '"$@" &',
    'engine=$!',
    `trap 'kill -${stopSignal} "$engine"' TERM INT`,
    'status=0',
    // `wait` returns early when a trapped signal arrives: wait again.
    'while kill -0 "$engine" 2>/dev/null; do wait "$engine" || status=$?; done',
    'exit "$status"',
  ].join('\n');
}

/** Makes the volume's directories the engine user's (hostPath volumes are root's). */
function volumeScript(image: EngineImage): string {
  return [
    'set -eu',
    `mkdir -p "${DATA_DIR}" "${STATE_DIR}"`,
    // Only root may hand the directories over; a runtime that already runs
    // this as the engine's user created them as that user.
    `if [ "$(id -u)" = 0 ]; then chown ${image.uid}:${image.gid} "${VOLUME_MOUNT}" "${DATA_DIR}" "${STATE_DIR}"; fi`,
    `chmod 0700 "${DATA_DIR}" "${STATE_DIR}"`,
  ].join('\n');
}

/** What {@link instancePod} builds a Pod from. */
export interface InstancePodInput {
  cluster: ClusterKey;
  kubeNamespace: string;
  instance: string;
  node: string;
  image: EngineImage;
  /**
   * Where the engine listens: on the Pod's own network (its host name and
   * the image's port), or with `hostNetwork` on the node's address and a
   * port of the instance's own.
   */
  network: { hostNetwork: boolean; listen: EngineAddress };
  /** The driver's server command, e.g. `postgres -D …`. */
  server: { program: string; args: string[] };
  owner: OwnerObject;
  /** Wanted at creation: the role Basalt already knows for the instance. */
  role?: 'primary' | 'replica';
  /** The engine container's CPU and memory; absent: unlimited. */
  resources?: InstanceResources;
}

/**
 * Requests equal to limits: the Pod's QoS class is then Guaranteed, so the
 * kubelet evicts a database last under node pressure, and placement counts
 * exactly what the engine may use.
 */
export function containerResources(
  resources: InstanceResources,
): V1ResourceRequirements {
  const amounts = {
    cpu: `${resources.cpuMillis}m`,
    memory: memoryQuantity(resources.memoryBytes),
  };
  return { requests: amounts, limits: { ...amounts } };
}

/** Bytes as a Kubernetes quantity, in the largest binary unit that is exact. */
function memoryQuantity(bytes: number): string {
  for (const [unit, size] of [
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/**
 * The Pod of one instance. Placed by Basalt (`nodeName`, no scheduler), so
 * its volume's node and the pools' budgets decide where it runs. On the Pod
 * network its host name is the Pod's name, which the engine listens on; on
 * the host network the engine listens on the node's address.
 */
export function instancePod(input: InstancePodInput): V1Pod {
  const { cluster, instance, image } = input;
  const { hostNetwork, listen } = input.network;
  const names = new ObjectNames(cluster);
  const name = names.pod(instance);
  const dataMount = { name: 'data', mountPath: VOLUME_MOUNT };
  const runMount = { name: 'run', mountPath: RUN_DIR };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: input.kubeNamespace,
      labels: {
        ...clusterLabels(cluster),
        [LABELS.instance]: instance,
        [LABELS.component]: 'instance',
        ...(input.role && { [LABELS.role]: input.role }),
      },
      ownerReferences: ownedBy(input.owner),
    },
    spec: {
      nodeName: input.node,
      ...(hostNetwork
        ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }
        : { hostname: name }),
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 60,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsUser: image.uid, runAsGroup: image.gid },
      initContainers: [
        {
          name: 'volume-permissions',
          image: image.image,
          ...(image.pullPolicy && { imagePullPolicy: image.pullPolicy }),
          command: ['sh', '-c', volumeScript(image)],
          securityContext: { runAsUser: 0, runAsGroup: 0 },
          volumeMounts: [dataMount],
        },
      ],
      containers: [
        {
          name: ENGINE_CONTAINER,
          image: image.image,
          ...(image.pullPolicy && { imagePullPolicy: image.pullPolicy }),
          command: [
            'sh',
            '-c',
            startScript(image.stopSignal),
            'engine',
            input.server.program,
            ...input.server.args,
          ],
          env: [
            {
              name: 'POD_UID',
              valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } },
            },
          ],
          ports: [
            { name: 'engine', containerPort: listen.port, protocol: 'TCP' },
          ],
          readinessProbe: {
            exec: { command: image.readinessCommand(listen.host, listen.port) },
            periodSeconds: 2,
            timeoutSeconds: 2,
            failureThreshold: 3,
          },
          securityContext: {
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
          },
          ...(input.resources && {
            resources: containerResources(input.resources),
          }),
          volumeMounts: [dataMount, runMount],
        },
      ],
      volumes: [
        {
          name: 'data',
          persistentVolumeClaim: { claimName: names.claim(instance) },
        },
        { name: 'run', emptyDir: { medium: 'Memory' } },
      ],
    },
  };
}

/**
 * The short-lived Pod that empties a removed instance's volume on its node.
 * It needs no network; where instances use their node's, so does it (a
 * cluster of `hostNetwork` Pods may have no Pod network at all).
 */
export function cleanupPod(input: {
  cluster: ClusterKey;
  kubeNamespace: string;
  instance: string;
  node: string;
  image: EngineImage;
  owner: OwnerObject;
  hostNetwork: boolean;
}): V1Pod {
  const names = new ObjectNames(input.cluster);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: names.cleanupPod(input.instance),
      namespace: input.kubeNamespace,
      labels: {
        ...clusterLabels(input.cluster),
        [LABELS.instance]: input.instance,
        [LABELS.component]: 'cleanup',
      },
      ownerReferences: ownedBy(input.owner),
    },
    spec: {
      nodeName: input.node,
      ...(input.hostNetwork && { hostNetwork: true }),
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      containers: [
        {
          name: 'cleanup',
          image: input.image.image,
          ...(input.image.pullPolicy && {
            imagePullPolicy: input.image.pullPolicy,
          }),
          command: [
            'sh',
            '-c',
            `find "${VOLUME_MOUNT}" -mindepth 1 -maxdepth 1 -exec rm -rf {} +`,
          ],
          securityContext: { runAsUser: 0, runAsGroup: 0 },
          volumeMounts: [{ name: 'data', mountPath: VOLUME_MOUNT }],
        },
      ],
      volumes: [
        {
          name: 'data',
          persistentVolumeClaim: {
            claimName: names.claim(input.instance),
          },
        },
      ],
    },
  };
}
