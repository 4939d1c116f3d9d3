import {
  ClusterCondition,
  ClusterPhase,
  ClusterResource,
  InstanceStatus,
  formatBytes,
  lagIsZero,
} from '@basalt/plugin-basalt-common';

export { formatBytes };

/** The tone a status is shown in. */
export type Tone = 'success' | 'warning' | 'danger' | 'info';

/** What each phase means to someone who uses the database. */
export const PHASES: Record<
  ClusterPhase,
  { label: string; tone: Tone; meaning: string }
> = {
  Pending: {
    label: 'Pending',
    tone: 'info',
    meaning: 'Accepted; the controller has not started on it yet.',
  },
  Creating: {
    label: 'Creating',
    tone: 'info',
    meaning:
      'Its instances are being created; it does not accept connections yet.',
  },
  Running: {
    label: 'Running',
    tone: 'success',
    meaning: 'Every instance is up and the endpoints accept connections.',
  },
  Updating: {
    label: 'Updating',
    tone: 'info',
    meaning: 'A change is being applied; it stays available meanwhile.',
  },
  Degraded: {
    label: 'Degraded',
    tone: 'warning',
    meaning: 'It serves, but with fewer healthy instances than declared.',
  },
  Failed: {
    label: 'Failed',
    tone: 'danger',
    meaning: 'It does not serve; see the conditions for why.',
  },
  Deleting: {
    label: 'Deleting',
    tone: 'info',
    meaning:
      'Deletion was requested: the Progressing condition says what is being done (the final backup, then removing the instances).',
  },
};

/**
 * A condition as a short headline: what is true of the cluster, not the
 * Kubernetes-style triple. `primaryServes` tells a cluster that is not
 * fully ready but still takes writes from one that takes none.
 */
export function conditionHeadline(
  condition: ClusterCondition,
  primaryServes: boolean,
): { text: string; tone: Tone } {
  const isTrue = condition.status === 'True';
  switch (condition.type) {
    case 'Ready':
      if (isTrue)
        return { text: 'Ready: every instance serves', tone: 'success' };
      return primaryServes
        ? {
            text: 'Accepting connections, not every instance ready',
            tone: 'warning',
          }
        : { text: 'Not accepting connections', tone: 'danger' };
    case 'Degraded':
      return isTrue
        ? { text: 'Running with fewer healthy instances', tone: 'warning' }
        : { text: 'Nothing degraded', tone: 'success' };
    case 'Progressing':
      return isTrue
        ? { text: 'A change is in progress', tone: 'info' }
        : { text: 'No change in progress', tone: 'success' };
    case 'Restored':
      if (isTrue) return { text: 'Restored from a backup', tone: 'success' };
      return condition.reason === 'RestoreFailed'
        ? { text: 'The restore failed', tone: 'danger' }
        : { text: 'Restoring from a backup', tone: 'info' };
    case 'DeletionBlocked':
      return isTrue
        ? { text: 'Not deleted: the deletion was refused', tone: 'danger' }
        : { text: 'No deletion refused', tone: 'success' };
    case 'VolumeLimitsEnforced':
      return isTrue
        ? { text: 'Volume limits enforced', tone: 'success' }
        : { text: 'Volume limits not enforced', tone: 'warning' };
    case 'ResourceLimitsEnforced':
      return isTrue
        ? { text: 'CPU and memory limits enforced', tone: 'success' }
        : { text: 'CPU and memory limits not enforced', tone: 'warning' };
    case 'VolumePressure':
      return isTrue
        ? { text: 'Writes locked: a volume is nearly full', tone: 'danger' }
        : { text: 'Volumes have room', tone: 'success' };
    default:
      return { text: `${condition.type}: ${condition.status}`, tone: 'info' };
  }
}

/**
 * The lag column: replicas only, "caught up" rather than "0 B", and each
 * unit the engine measures (a status written before `lag` has `lagBytes`).
 */
export function describeLag(instance: InstanceStatus): string {
  if (instance.role !== 'replica') return '—';
  const lag =
    instance.lag ??
    (instance.lagBytes !== undefined ? { bytes: instance.lagBytes } : {});
  if (lagIsZero(lag)) return 'caught up';
  const behind = [
    lag.bytes && formatBytes(lag.bytes),
    lag.seconds && `${lag.seconds} s`,
    lag.operations && `${lag.operations} operations`,
  ].filter(Boolean);
  return behind.length ? `${behind.join(', ')} behind` : 'unknown';
}

/** A timestamp both exact and relative, e.g. "10:02:03 (2 minutes ago)". */
export function formatTime(iso: string, now: number = Date.now()): string {
  const time = new Date(iso);
  const seconds = Math.round((now - time.getTime()) / 1000);
  let relative: string;
  if (seconds < 60) relative = `${Math.max(seconds, 0)} s ago`;
  else if (seconds < 3600) relative = `${Math.floor(seconds / 60)} min ago`;
  else if (seconds < 86400) relative = `${Math.floor(seconds / 3600)} h ago`;
  else relative = `${Math.floor(seconds / 86400)} d ago`;
  return `${time.toLocaleString()} (${relative})`;
}

/** A duration given in milliseconds, e.g. "840 ms" or "2.3 s". */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The phase shown for a cluster; `Pending` before its first status. */
export function phaseOf(cluster: ClusterResource): ClusterPhase {
  return cluster.status?.phase ?? 'Pending';
}

/** The conditions that explain each phase, the most telling first. */
const EXPLAINED_BY: Partial<
  Record<ClusterPhase, Array<[type: string, status: 'True' | 'False']>>
> = {
  Failed: [
    ['Ready', 'False'],
    ['Degraded', 'True'],
  ],
  Degraded: [
    ['Degraded', 'True'],
    ['Ready', 'False'],
  ],
  Deleting: [
    ['DeletionBlocked', 'True'],
    ['Progressing', 'True'],
  ],
  Creating: [['Progressing', 'True']],
  Updating: [['Progressing', 'True']],
};

/**
 * Why a cluster is in its phase, in the words of the condition that says
 * so (what keeps it from serving, what is degraded, the change under way);
 * undefined when no condition says more than the phase.
 */
export function phaseReason(cluster: ClusterResource): string | undefined {
  const conditions = cluster.status?.conditions ?? [];
  for (const [type, status] of EXPLAINED_BY[phaseOf(cluster)] ?? []) {
    const why = conditions.find(c => c.type === type && c.status === status);
    if (why) return why.message || why.reason;
  }
  return undefined;
}

/** How many of its instances answer. */
export function readyCount(cluster: ClusterResource): number {
  return cluster.status?.instances.filter(i => i.ready).length ?? 0;
}
