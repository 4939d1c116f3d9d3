/**
 * How a backup copies a cluster's data.
 *
 * - `physical`: the whole data directory as the engine stores it
 *   (`pg_basebackup`), the basis of point-in-time recovery;
 * - `logical`: one dump per database (`pg_dump`, custom format), portable
 *   across versions and readable table by table.
 *
 * @public
 */
export const BACKUP_METHODS = ['physical', 'logical'] as const;

/** @public */
export type BackupMethod = (typeof BACKUP_METHODS)[number];

/**
 * Why a backup was taken: someone asked (`manual`), the manifest's schedule
 * (`scheduled`), or the cluster's deletion under `BackupThenDelete`
 * (`final`).
 *
 * @public
 */
export type BackupTrigger = 'manual' | 'scheduled' | 'final';

/**
 * Where a backup is in its life. `Running` until every object is in the
 * repository with its checksum; `Completed` then; `Failed` with `error`
 * otherwise (whatever it had written is removed).
 *
 * @public
 */
export type BackupPhase = 'Running' | 'Completed' | 'Failed';

/**
 * One object of a backup in its repository, with the checksum taken as it
 * was written.
 *
 * @public
 */
export interface BackupObjectRecord {
  /** Key within the repository, e.g. `payments/payments-db/<uid>/backups/<id>/base.tar.gz`. */
  key: string;
  /**
   * The object's name in the backup, as the engine's driver wrote it: e.g.
   * `base.tar.gz` (physical) or `<database>.dump` (logical).
   */
  name: string;
  size: number;
  /** Hex SHA-256 of the object's bytes. */
  sha256: string;
}

/**
 * How a backup was checked after it was written.
 *
 * @public
 */
export interface BackupVerification {
  /** ISO 8601. */
  verifiedAt: string;
  /** Every object was read back and matched its size and SHA-256. */
  checksum: 'passed' | 'failed';
  /**
   * The backup was restored into a temporary instance that started and
   * answered (`passed`), or that test was turned off (`skipped`).
   */
  restoreTest: 'passed' | 'failed' | 'skipped';
  /** What failed, when something did. */
  message?: string;
}

/**
 * A backup of one cluster, as the API returns it. Backups outlive their
 * cluster: those of a deleted cluster stay listed under its name until
 * retention removes them.
 *
 * @public
 */
export interface BackupRecord {
  /** Unique, URL-safe, sortable by start time, e.g. `20261124T083012Z-7f3a`. */
  id: string;
  cluster: { namespace: string; name: string; uid: string };
  method: BackupMethod;
  trigger: BackupTrigger;
  phase: BackupPhase;
  /** The configured repository (`basalt.backups.repositories.<name>`). */
  repository: string;
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601; set once it completed or failed. */
  completedAt?: string;
  /** Bytes written so far (`Running`) or in all (`Completed`). */
  sizeBytes: number;
  /** The objects written, each with its checksum; set once `Completed`. */
  objects?: BackupObjectRecord[];
  /** Physical backups: where the copy spans the engine's log. */
  log?: BackupLogSpan;
  /**
   * Physical backups of engines that record a `timeline` in `log.details`
   * (PostgreSQL): `log` as this field had it.
   *
   * @deprecated `log`; this field goes in the next release.
   */
  wal?: { start: string; end: string; timeline: number };
  /** Why it failed. */
  error?: string;
  verification?: BackupVerification;
  /** Who asked for it (`user:default/jane`), or the controller. */
  requestedBy?: string;
}

/**
 * Where a physical backup spans its engine's log (WAL for PostgreSQL), in the
 * engine's own notation: a restore replays the archived log from `start` and
 * is consistent from `end`. Only the engine's driver compares them.
 *
 * @public
 */
export interface BackupLogSpan {
  /** E.g. PostgreSQL's `0/3000028`. */
  start: string;
  end: string;
  /** What else the engine recorded of the copy, e.g. PostgreSQL's `timeline`. */
  details?: Record<string, string | number>;
}

/**
 * The most recent completed backup, on a cluster's status.
 *
 * @public
 */
export interface LastBackup {
  id: string;
  method: BackupMethod;
  /** ISO 8601. */
  completedAt: string;
  sizeBytes: number;
}

/**
 * Where a new cluster's data comes from (`spec.restore`): a backup by id, or
 * another cluster's backups and archived WAL at a moment in time (the
 * latest state when `time` is left out).
 *
 * @public
 */
export type RestoreSource =
  | { backup: string }
  | { cluster: string; time?: string };

/**
 * Body of `POST /clusters/{namespace}/{name}/restore`: restore this
 * cluster's data into a new cluster `name` (in `namespace`, by default the
 * source's), with the source's spec.
 *
 * @public
 */
export interface RestoreRequest {
  name: string;
  namespace?: string;
  /** A backup of the source cluster; the latest when left out. */
  backup?: string;
  /** A moment to recover to (ISO 8601), from physical backups and archived WAL. */
  time?: string;
}
