import { V1ConfigMap, V1Secret, V1Service } from '@kubernetes/client-node';
import { ClusterCredentials, ClusterKey } from '@basalt/plugin-basalt-node';
import { clusterLabels, LABELS, MANAGER, ObjectNames } from '../names';
import { ownedBy, OwnerObject } from './owner';

/** The Secret key holding the cluster's credentials (JSON). */
export const CREDENTIALS_KEY = 'credentials.json';
/** Set on Pods an endpoint for reads leads to. */
export const READ_ONLY_LABEL = 'basalt.dev/read-only-endpoint';

/**
 * The cluster's ConfigMap: its engine configuration (the template and
 * parameters the driver renders the engine's files from), and the anchor
 * every other namespaced object of the cluster is owned by.
 */
export function clusterConfigMap(input: {
  cluster: ClusterKey;
  kubeNamespace: string;
  configuration: Record<string, string>;
}): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: new ObjectNames(input.cluster).configMap,
      namespace: input.kubeNamespace,
      labels: {
        ...clusterLabels(input.cluster),
        [LABELS.component]: 'config',
      },
    },
    data: input.configuration,
  };
}

/** The cluster's generated credentials, for Basalt and the cluster's services. */
export function credentialsSecret(input: {
  cluster: ClusterKey;
  kubeNamespace: string;
  credentials: ClusterCredentials;
  owner: OwnerObject;
}): V1Secret {
  const { credentials } = input;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: new ObjectNames(input.cluster).credentialsSecret,
      namespace: input.kubeNamespace,
      labels: {
        ...clusterLabels(input.cluster),
        [LABELS.component]: 'credentials',
      },
      ownerReferences: ownedBy(input.owner),
    },
    stringData: {
      [CREDENTIALS_KEY]: JSON.stringify(credentials),
      // The public CA alone, for clients to verify the server with.
      ...(credentials.tls && { 'ca.crt': credentials.tls.caCertificate }),
      // One key per account, so a workload can mount or reference just its own.
      ...Object.fromEntries(
        Object.entries(credentials.accounts).map(([account, password]) => [
          `account-${account}`,
          password,
        ]),
      ),
    },
  };
}

/**
 * The cluster's read-write (`-rw`, the primary) or read-only (`-ro`, the
 * replicas, or the primary when there are none) Service, selecting the role
 * labels Basalt keeps current on the Pods.
 */
export function endpointService(input: {
  cluster: ClusterKey;
  kubeNamespace: string;
  kind: 'rw' | 'ro';
  port: number;
  owner: OwnerObject;
}): V1Service {
  const names = new ObjectNames(input.cluster);
  const selector = {
    [LABELS.managedBy]: MANAGER,
    [LABELS.clusterUid]: input.cluster.uid,
    ...(input.kind === 'rw'
      ? { [LABELS.role]: 'primary' }
      : { [READ_ONLY_LABEL]: 'true' }),
  };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name:
        input.kind === 'rw' ? names.readWriteService : names.readOnlyService,
      namespace: input.kubeNamespace,
      labels: {
        ...clusterLabels(input.cluster),
        [LABELS.component]: `endpoint-${input.kind}`,
      },
      ownerReferences: ownedBy(input.owner),
    },
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [
        {
          name: 'engine',
          port: input.port,
          targetPort: 'engine' as never,
          protocol: 'TCP',
        },
      ],
    },
  };
}

/** The credentials a Secret of {@link credentialsSecret} holds, if any. */
export function credentialsIn(
  secret: V1Secret | undefined,
): ClusterCredentials | undefined {
  const stored = secret?.data?.[CREDENTIALS_KEY];
  return stored
    ? (JSON.parse(
        Buffer.from(stored, 'base64').toString('utf8'),
      ) as ClusterCredentials)
    : undefined;
}
