/**
 * Condition types on an `EngineCluster`'s status, after the Kubernetes API
 * conventions: each is `True`, `False` or `Unknown`, with a reason constant
 * from {@link ClusterReasons} and a message for people.
 *
 * @public
 */
export const ClusterConditionTypes = {
  /** Every declared instance runs and the read-write endpoint takes writes. */
  Ready: 'Ready',
  /** The controller is still bringing the cluster to its declared state. */
  Progressing: 'Progressing',
  /** Something is wrong that the controller cannot fix by itself yet. */
  Degraded: 'Degraded',
  /**
   * Set when a cluster was created from a backup (`spec.restore`): `True`
   * once its data is restored, `False` while restoring or when it failed.
   */
  Restored: 'Restored',
  /**
   * Set when a requested deletion could not be done safely (e.g. the final
   * backup of `BackupThenDelete` failed): the cluster was kept, and the
   * message says why. Cleared by the next apply or deletion request.
   */
  DeletionBlocked: 'DeletionBlocked',
  /**
   * Whether the volumes' capacity and throughput limits are enforced on
   * the disk (`False` says why not, e.g. not running as root): never a
   * silent downgrade.
   */
  VolumeLimitsEnforced: 'VolumeLimitsEnforced',
  /**
   * Whether instances are held to the CPU and memory of their resource
   * class (`False` says why not, e.g. not running as root): never a silent
   * downgrade.
   */
  ResourceLimitsEnforced: 'ResourceLimitsEnforced',
  /**
   * `True` while an instance's volume is above the high watermark and the
   * primary refuses writes; `False` again once every volume is below the
   * low watermark.
   */
  VolumePressure: 'VolumePressure',
} as const;

/** @public */
export type ClusterConditionType =
  (typeof ClusterConditionTypes)[keyof typeof ClusterConditionTypes];

/**
 * Machine-readable reasons for conditions and events, shared with the UI.
 *
 * @public
 */
export const ClusterReasons = {
  Available: 'Available',
  Reconciled: 'Reconciled',
  Creating: 'Creating',
  Scaling: 'Scaling',
  Restarting: 'Restarting',
  InstancesNotReady: 'InstancesNotReady',
  Deleting: 'Deleting',
  EngineUnavailable: 'EngineUnavailable',
  EngineVersionUnsupported: 'EngineVersionUnsupported',
  InstanceFailed: 'InstanceFailed',
  /**
   * The engine refused to start with the cluster's configuration (e.g. more
   * shared memory than the host has); nothing is retried until the spec
   * changes.
   */
  ConfigurationRejected: 'ConfigurationRejected',
  PlacementFailed: 'PlacementFailed',
  ReconcileError: 'ReconcileError',
  AsExpected: 'AsExpected',
  Restoring: 'Restoring',
  RestoreComplete: 'RestoreComplete',
  RestoreFailed: 'RestoreFailed',
  FinalBackupFailed: 'FinalBackupFailed',
  BackingUp: 'BackingUp',
  LimitsEnforced: 'LimitsEnforced',
  LimitsNotEnforced: 'LimitsNotEnforced',
  WritesLocked: 'WritesLocked',
  VolumeHasRoom: 'VolumeHasRoom',
} as const;

/** @public */
export type ClusterReason =
  (typeof ClusterReasons)[keyof typeof ClusterReasons];

/**
 * One condition on a cluster's status.
 *
 * @public
 */
export interface ClusterCondition {
  type: ClusterConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: ClusterReason;
  message: string;
  /** The `generation` of the spec this condition was computed from. */
  observedGeneration: number;
  /** ISO 8601; changes only when `status` changes. */
  lastTransitionTime: string;
}
