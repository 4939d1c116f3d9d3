import type { BackupMethod } from '../backups/types';
import type { ACCOUNT_ROLES } from '../manifest';

/**
 * How replicas follow their primary: `async` (a commit returns before any
 * replica has it) or `sync` (it waits for a replica, as the engine's
 * capabilities describe).
 *
 * @public
 */
export type ReplicationMode = 'async' | 'sync';

/**
 * What an engine measures a replica's lag in: bytes of log not yet applied,
 * seconds behind its primary, or operations (commands, transactions).
 *
 * @public
 */
export type LagUnit = 'bytes' | 'seconds' | 'operations';

/**
 * What one installed engine can do, declared by its driver and part of
 * `GET /api/basalt/offerings`. Admission refuses a manifest that asks for
 * more (HTTP 400 naming the field); the cards, the Database tab, the
 * scaffolder actions and the templates offer only what is declared here and
 * speak of it in the engine's words.
 *
 * @public
 */
export interface EngineCapabilities {
  /**
   * What a cluster of this engine is to the people who use it, as a lower
   * case noun: `database` for PostgreSQL, `cache` for Redis.
   */
  kind: string;
  /**
   * Whether the engine holds named databases, which a manifest declares in
   * `spec.databases` and grants accounts on; without them an account is
   * granted on the whole instance.
   */
  databases: boolean;
  /** Replication and what it promises. */
  replication: {
    /** The modes `spec.ha.replication` may name; `async` at least. */
    modes: ReplicationMode[];
    /**
     * What `sync` guarantees on this engine and what it does not, in one or
     * two sentences; absent when `modes` has no `sync`.
     */
    syncGuarantee?: string;
    /** What a replica's lag is measured in, as the probes report it. */
    lag: LagUnit[];
  };
  /** The roles an account in `spec.accounts` may have. */
  accountRoles: (typeof ACCOUNT_ROLES)[number][];
  /** Backups; an engine without any declares no methods. */
  backups: {
    /** The methods `spec.backup.method` may name; the first is the default. */
    methods: BackupMethod[];
    /**
     * Restores to a point in time by replaying continuously archived log;
     * absent: restores go to the end of a backup only.
     */
    pointInTime?: {
      /** The archived log's name in the engine's words, e.g. `WAL` or `binlog`. */
      log: string;
      /**
       * How much a point-in-time restore can lose at worst, in words: e.g.
       * the last log segment not yet complete when archived on completion.
       */
      rpo: string;
    };
  };
  /**
   * Whether the primary can be made to refuse writes while it keeps
   * answering reads: before a final backup (so nothing written after it is
   * lost) and when a volume is nearly full (volume protection).
   */
  writeLock: boolean;
  /**
   * Whether the engine serves TLS with the cluster's certificate (clients
   * verify it with the cluster's CA). Without it, admission refuses a
   * cluster whose region profile requires TLS, and connection settings
   * carry no TLS parameters.
   */
  tls: boolean;
}
