import { Entity } from '@backstage/catalog-model';
import {
  CLUSTER_ANNOTATION,
  ClusterCondition,
  ClusterConnections,
  ClusterResource,
  DATABASES_ANNOTATION,
  EngineCapabilities,
  InstanceStatus,
  Offerings,
  OWNER_ANNOTATION,
} from '@basalt/plugin-basalt-common';

const T0 = '2026-11-24T10:00:00.000Z';

function condition(
  type: ClusterCondition['type'],
  status: ClusterCondition['status'],
  reason: ClusterCondition['reason'],
  message: string,
): ClusterCondition {
  return {
    type,
    status,
    reason,
    message,
    observedGeneration: 1,
    lastTransitionTime: T0,
  };
}

const instances: InstanceStatus[] = [
  {
    name: 'orders-db-0',
    role: 'primary',
    node: 'node-a',
    ready: true,
    lag: { bytes: 0 },
  },
  {
    name: 'orders-db-1',
    role: 'replica',
    node: 'node-b',
    ready: true,
    lag: { bytes: 0 },
  },
  {
    name: 'orders-db-2',
    role: 'replica',
    node: 'node-c',
    ready: true,
    lag: { bytes: 2048 },
  },
];

/** A three-instance PostgreSQL cluster in the given state. */
export function clusterIn(
  state: 'ready' | 'degraded' | 'failed' | 'pending',
): ClusterResource {
  const base: ClusterResource = {
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: {
      namespace: 'payments',
      name: 'orders-db',
      uid: 'uid-1',
      generation: 1,
      creationTimestamp: T0,
      labels: {},
      annotations: { [OWNER_ANNOTATION]: 'group:default/payments-team' },
    },
    spec: {
      engine: 'postgresql',
      version: '15',
      replicas: 3,
      terminationPolicy: 'Delete',
      ha: { failover: 'automatic', replication: 'async' },
    } as ClusterResource['spec'],
  };
  if (state === 'pending') return base;
  const endpoints = {
    readWrite: '127.0.0.1:40001',
    readOnly: '127.0.0.1:40002',
  };
  if (state === 'ready') {
    return {
      ...base,
      status: {
        observedGeneration: 1,
        phase: 'Running',
        endpoints,
        instances,
        conditions: [
          condition('Ready', 'True', 'Available', 'All 3 instances are ready'),
          condition('Degraded', 'False', 'AsExpected', 'Nothing is degraded'),
        ],
      },
    };
  }
  if (state === 'degraded') {
    return {
      ...base,
      status: {
        observedGeneration: 1,
        phase: 'Degraded',
        endpoints,
        instances: instances.map(i =>
          i.name === 'orders-db-2'
            ? {
                ...i,
                ready: false,
                message: 'connect ECONNREFUSED 127.0.0.1:15434',
              }
            : i,
        ),
        conditions: [
          condition(
            'Ready',
            'False',
            'InstancesNotReady',
            '2 of 3 instances ready',
          ),
          condition(
            'Degraded',
            'True',
            'InstancesNotReady',
            'orders-db-2 is not ready: it does not answer',
          ),
        ],
      },
    };
  }
  return {
    ...base,
    status: {
      observedGeneration: 1,
      phase: 'Failed',
      endpoints: {},
      instances: [],
      conditions: [
        condition(
          'Ready',
          'False',
          'EngineUnavailable',
          'PostgreSQL 15 is not installed on this host',
        ),
      ],
    },
  };
}

/** The catalog Resource standing for `payments/orders-db`. */
export const databaseResource: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'orders-db',
    namespace: 'payments',
    annotations: { [CLUSTER_ANNOTATION]: 'payments/orders-db' },
  },
  spec: { type: 'database', owner: 'group:default/payments-team' },
};

/**
 * A ready cluster `payments/ledger-db` and its Resource: permission
 * decisions are cached per resource for a whole test file, so a test that
 * denies them asks about a cluster no other test does.
 */
export function clusterOfItsOwn(): {
  cluster: ClusterResource;
  entity: Entity;
} {
  const cluster = clusterIn('ready');
  cluster.metadata.name = 'ledger-db';
  return {
    cluster,
    entity: {
      ...databaseResource,
      metadata: {
        name: 'ledger-db',
        annotations: { [CLUSTER_ANNOTATION]: 'payments/ledger-db' },
      },
    },
  };
}

/** A Component served by the given clusters. */
export function componentWith(...clusters: string[]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments-service',
      annotations: clusters.length
        ? { [DATABASES_ANNOTATION]: clusters.join(',') }
        : {},
    },
    spec: { type: 'service', owner: 'group:default/payments-team' },
  };
}

/** What PostgreSQL can do, as `GET /offerings` lists it. */
export const postgresCapabilities: EngineCapabilities = {
  kind: 'database',
  databases: true,
  replication: {
    modes: ['async', 'sync'],
    syncGuarantee: 'A commit is acknowledged once a replica has it on disk.',
    lag: ['bytes'],
  },
  accountRoles: ['readwrite', 'readonly', 'admin'],
  backups: {
    methods: ['physical', 'logical'],
    pointInTime: { log: 'WAL', rpo: 'At most the last minute of writes.' },
  },
  writeLock: true,
  tls: true,
};

/** Offerings with one installed engine, PostgreSQL unless told otherwise. */
export function offeringsWith(
  capabilities: EngineCapabilities = postgresCapabilities,
): Offerings {
  return {
    engines: [
      {
        engine: 'postgresql',
        versions: ['15'],
        defaultVersion: '15',
        capabilities,
        parameters: [],
        refusedParameters: [],
        reservedNames: { accounts: [], accountPrefixes: [], databases: [] },
      },
    ],
    engineTemplates: [],
    profiles: [],
    resourceClasses: [],
  };
}

/** How to connect to `clusterIn('ready')` as its one account. */
export const readyConnections: ClusterConnections = {
  accounts: [
    {
      account: 'app',
      role: 'readwrite',
      database: 'orders',
      readWrite: {
        url: 'postgresql://app@127.0.0.1:15432/orders',
        parameters: [
          { name: 'host', value: '127.0.0.1' },
          { name: 'port', value: '15432' },
          { name: 'dbname', value: 'orders' },
          { name: 'user', value: 'app' },
        ],
      },
      readOnly: {
        url: 'postgresql://app@127.0.0.1:15433/orders',
        parameters: [],
      },
    },
  ],
};
