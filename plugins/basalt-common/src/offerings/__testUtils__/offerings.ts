import { EngineOffering } from '../../parameters';
import { Offerings } from '../types';

/** PostgreSQL as a backend with its driver offers it, trimmed for tests. */
export const postgresql: EngineOffering = {
  engine: 'postgresql',
  versions: ['15', '16'],
  defaultVersion: '15',
  capabilities: {
    kind: 'database',
    databases: true,
    replication: {
      modes: ['async', 'sync'],
      syncGuarantee: 'A commit waits for one replica.',
      lag: ['bytes'],
    },
    accountRoles: ['readwrite', 'readonly', 'admin'],
    backups: {
      methods: ['physical', 'logical'],
      pointInTime: { log: 'WAL', rpo: 'A minute.' },
    },
    writeLock: true,
    tls: true,
  },
  parameters: [
    {
      name: 'max_connections',
      description: 'Most connections',
      type: 'integer',
      min: 10,
      max: 10_000,
      apply: 'restart',
      profileMayForbid: false,
    },
    {
      name: 'log_connections',
      description: 'Logs connections',
      type: 'bool',
      apply: 'reload',
      profileMayForbid: false,
    },
    {
      name: 'checkpoint_timeout',
      description: 'Time between checkpoints',
      type: 'integer',
      unit: 'time',
      baseUnit: 's',
      min: 30,
      max: 86_400,
      apply: 'reload',
      profileMayForbid: false,
    },
    {
      name: 'fsync',
      description: 'Forces writes to disk',
      type: 'bool',
      apply: 'reload',
      profileMayForbid: true,
    },
  ],
  refusedParameters: [
    { pattern: '_command$', reason: 'runs a command on the host' },
    { names: ['port'], reason: 'is managed by Basalt' },
  ],
  reservedNames: {
    accounts: ['basalt'],
    accountPrefixes: ['pg_'],
    databases: ['postgres'],
  },
};

/**
 * An engine that can do less than PostgreSQL: no named databases, no `sync`,
 * one backup method and no point-in-time recovery.
 */
export const cache: EngineOffering = {
  engine: 'redis',
  versions: ['7'],
  defaultVersion: '7',
  capabilities: {
    kind: 'cache',
    databases: false,
    replication: { modes: ['async'], lag: ['bytes'] },
    accountRoles: ['readwrite', 'readonly'],
    backups: { methods: ['physical'] },
    writeLock: false,
    tls: false,
  },
  parameters: [],
  refusedParameters: [],
  reservedNames: { accounts: [], accountPrefixes: [], databases: [] },
};

/** Both engines, with a template and a region profile for PostgreSQL. */
export const offerings: Offerings = {
  engines: [postgresql, cache],
  engineTemplates: [
    {
      name: 'postgresql-ha',
      engine: 'postgresql',
      description: 'HA baseline',
      parameters: { max_connections: '200', log_connections: 'on' },
    },
    {
      name: 'postgresql-locked',
      engine: 'postgresql',
      description: 'A narrow template',
      parameters: { log_connections: 'on' },
      allowedParameters: ['checkpoint_timeout'],
      lockedParameters: ['log_connections'],
    },
  ],
  profiles: [
    {
      name: 'sg-prod',
      description: 'Singapore production',
      runtime: 'local',
      engines: { postgresql: ['15'] },
      maxReplicas: 3,
      backup: { schedule: '0 2 * * *', retention: '14d' },
      parameters: {
        postgresql: {
          forbidden: [],
          forbiddenValues: { fsync: ['off'] },
          pinned: { log_connections: 'on' },
        },
      },
    },
    {
      name: 'tls-only',
      description: 'Clients must use TLS',
      runtime: 'local',
      engines: { postgresql: ['15'], redis: ['7'] },
      maxReplicas: 3,
      network: { tls: 'required', allowedNetworks: ['127.0.0.1/32'] },
    },
  ],
  resourceClasses: [],
};
