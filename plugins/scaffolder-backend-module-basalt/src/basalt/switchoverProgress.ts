import {
  ClusterEvent,
  ClusterResource,
  FailoverRecord,
} from '@basalt/plugin-basalt-common';

/**
 * What a cluster looked like just before a switchover was requested; a type
 * rather than an interface so that it is JSON for `ctx.checkpoint`.
 */
export type SwitchoverBaseline = {
  /** The instance that was primary. */
  previousPrimary?: string;
  /** `status.lastFailover.timestamp` then, when there was a record. */
  previousRecordAt?: string;
};

/** Where a requested switchover stands, as far as the API shows it. */
export type SwitchoverProgress =
  | { state: 'done'; record: FailoverRecord }
  | { state: 'refused'; message: string }
  | { state: 'waiting'; description: string };

// The events the API and the controller record for a switchover.
const SWITCHOVER_REASONS = [
  'SwitchoverRequested',
  'SwitchoverRefused',
  'Switchover',
];

/**
 * Judges a switchover requested after `baseline` was taken: done once
 * `status.lastFailover` is a switchover newer than the record before the
 * request and the cluster is Ready again with that primary; refused when
 * the controller gave the request up; otherwise waiting, with what the
 * cluster shows now in plain words.
 *
 * "Newer than the record before" rather than "after the request time":
 * both timestamps come from the Basalt backend's clock, so the comparison
 * holds when the scaffolder runs on another host whose clock differs.
 *
 * @param events - the cluster's latest events, newest first
 */
export function switchoverProgress(
  cluster: ClusterResource,
  events: ClusterEvent[],
  baseline: SwitchoverBaseline,
): SwitchoverProgress {
  const status = cluster.status;
  const record = status?.lastFailover;
  const switched =
    record?.kind === 'switchover' &&
    (!baseline.previousRecordAt ||
      Date.parse(record.timestamp) > Date.parse(baseline.previousRecordAt))
      ? record
      : undefined;
  const primary = status?.instances.find(i => i.role === 'primary');
  const ready = status?.conditions.find(c => c.type === 'Ready');
  const readyNow =
    status?.observedGeneration === cluster.metadata.generation &&
    ready?.status === 'True';

  if (switched && readyNow && primary?.name === switched.to) {
    return { state: 'done', record: switched };
  }
  if (!switched) {
    // Our SwitchoverRequested was recorded before the API answered, so a
    // refusal newer than the newest request is the answer to ours.
    const latest = events.find(e => SWITCHOVER_REASONS.includes(e.reason));
    if (latest?.reason === 'SwitchoverRefused') {
      return { state: 'refused', message: latest.message };
    }
  }

  const degraded = status?.conditions.find(
    c => c.type === 'Degraded' && c.status === 'True',
  );
  const readiness = ready
    ? `Ready is ${ready.status} (${ready.reason}: ${ready.message})`
    : 'no status yet';
  const health = degraded
    ? `${readiness}; Degraded (${degraded.reason}: ${degraded.message})`
    : readiness;
  return {
    state: 'waiting',
    description: switched
      ? `switched over to ${switched.to}, waiting for the cluster to be Ready again; ${health}`
      : `the primary is still ${
          primary?.name ?? baseline.previousPrimary ?? 'unknown'
        }; ${health}`,
  };
}
