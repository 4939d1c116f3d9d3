import { EngineCapabilities } from '@basalt/plugin-basalt-common';

/**
 * What Basalt's PostgreSQL offers: named databases, streaming replication
 * either way (`sync` through `synchronous_standby_names`, see
 * `ensureSynchronousCommit`), physical and logical backups, and
 * point-in-time recovery from archived WAL (`archive_timeout` 60 s).
 */
export const POSTGRES_CAPABILITIES: EngineCapabilities = {
  kind: 'database',
  databases: true,
  replication: {
    modes: ['async', 'sync'],
    syncGuarantee:
      'A commit is acknowledged once at least one replica has it on disk, and a failover promotes the replica with the most WAL, so no acknowledged write is lost. While no replica answers, the primary acknowledges on its own rather than stop.',
    lag: ['bytes'],
  },
  accountRoles: ['readwrite', 'readonly', 'admin'],
  backups: {
    methods: ['physical', 'logical'],
    pointInTime: {
      log: 'WAL',
      rpo: 'At most the last minute of writes: WAL is archived when a segment fills and at least every 60 s.',
    },
  },
  writeLock: true,
  tls: true,
};
