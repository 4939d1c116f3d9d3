import { EngineCapabilities } from '@basalt/plugin-basalt-common';

/**
 * What Basalt's Redis offers: one keyspace (no named databases), replication
 * with `REPLICAOF` either way (`sync` through `min-replicas-to-write`, see
 * `ensureMinReplicas`), ACL accounts in three roles, physical backups as RDB
 * snapshots, and a write lock made of ACL rules.
 */
export const REDIS_CAPABILITIES: EngineCapabilities = {
  kind: 'cache',
  databases: false,
  replication: {
    modes: ['async', 'sync'],
    syncGuarantee:
      "The primary refuses writes while no replica has acknowledged the replication stream within the last 10 s (min-replicas-to-write 1, min-replicas-max-lag 10), and a failover promotes the replica with the largest replication offset. A write is on a replica once the client's WAIT 1 <timeout> returns 1; a write acknowledged without WAIT in the moment before a failover can be lost.",
    lag: ['bytes'],
  },
  accountRoles: ['readwrite', 'readonly', 'admin'],
  backups: { methods: ['physical'] },
  writeLock: true,
  tls: false,
};
