import { ClusterKey } from '@basalt/plugin-basalt-node';

/**
 * Label keys Basalt puts on every object it makes, so that everything of a
 * cluster (or of one instance) is found with one label selector.
 */
export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  /** The Basalt namespace of the cluster (Kubernetes namespaces are mapped). */
  namespace: 'basalt.dev/namespace',
  cluster: 'basalt.dev/cluster',
  /** Tells a cluster from a later one of the same name. */
  clusterUid: 'basalt.dev/cluster-uid',
  instance: 'basalt.dev/instance',
  /** `primary` or `replica`, kept current by Basalt; Services select on it. */
  role: 'basalt.dev/role',
  /** What the object is to the cluster: instance, volume, credentials, … */
  component: 'basalt.dev/component',
} as const;

/** The value of {@link LABELS.managedBy}. */
export const MANAGER = 'basalt';

/** The labels of everything of `cluster`. */
export function clusterLabels(cluster: ClusterKey): Record<string, string> {
  return {
    [LABELS.managedBy]: MANAGER,
    [LABELS.namespace]: cluster.namespace,
    [LABELS.cluster]: cluster.name,
    [LABELS.clusterUid]: cluster.uid,
  };
}

/** Selects everything of `cluster` (this incarnation of it only). */
export function clusterSelector(cluster: ClusterKey): string {
  return toSelector({
    [LABELS.managedBy]: MANAGER,
    [LABELS.clusterUid]: cluster.uid,
  });
}

/**
 * The object when it is `cluster`'s, by its cluster-uid label (not an
 * earlier namesake's); otherwise undefined.
 */
export function ofCluster<
  T extends { metadata?: { labels?: Record<string, string> } },
>(cluster: ClusterKey, object: T | undefined): T | undefined {
  return object?.metadata?.labels?.[LABELS.clusterUid] === cluster.uid
    ? object
    : undefined;
}

/**
 * The cluster and instance an instance's Pod belongs to, read from its
 * labels; undefined for any other Pod (cleanup Pods, or not Basalt's).
 */
export function instanceOfPod(pod: {
  metadata?: { labels?: Record<string, string> };
}): { cluster: ClusterKey; instance: string } | undefined {
  const labels = pod.metadata?.labels ?? {};
  if (labels[LABELS.component] !== 'instance') return undefined;
  return {
    cluster: {
      namespace: labels[LABELS.namespace],
      name: labels[LABELS.cluster],
      uid: labels[LABELS.clusterUid],
    },
    instance: labels[LABELS.instance],
  };
}

/** `k=v,k=v` for a label selector. */
export function toSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/**
 * Object names. Several Basalt namespaces may map to one Kubernetes
 * namespace, so names in it carry the Basalt namespace too.
 */
export class ObjectNames {
  constructor(private readonly cluster: ClusterKey) {}

  /** `<namespace>-<cluster>`: the prefix of every object of the cluster. */
  get base(): string {
    return `${this.cluster.namespace}-${this.cluster.name}`;
  }

  /** The Pod, and its host name (which the engine listens on). */
  pod(instance: string): string {
    return `${this.cluster.namespace}-${instance}`;
  }

  /** The instance's claim; its volume is `<k8s namespace>-<claim>`. */
  claim(instance: string): string {
    return `${this.pod(instance)}-data`;
  }

  get credentialsSecret(): string {
    return `${this.base}-credentials`;
  }

  /**
   * The account's Service Binding Secret. Account names may hold `_`,
   * which object names may not; they never hold `-`, so the mapping stays
   * one to one.
   */
  bindingSecret(account: string): string {
    return `${this.base}-binding-${account.replace(/_/g, '-')}`;
  }

  get configMap(): string {
    return `${this.base}-config`;
  }

  get readWriteService(): string {
    return `${this.base}-rw`;
  }

  get readOnlyService(): string {
    return `${this.base}-ro`;
  }

  /** The cleanup Pod that empties a removed instance's volume on its node. */
  cleanupPod(instance: string): string {
    return `${this.pod(instance)}-cleanup`;
  }
}

/** A cluster-scoped PersistentVolume's name: unique across namespaces. */
export function volumeName(kubeNamespace: string, claim: string): string {
  return `${kubeNamespace}-${claim}`;
}
