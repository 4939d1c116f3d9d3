import {
  ClusterEvent,
  ClusterResource,
  FailoverRecord,
} from '@basalt/plugin-basalt-common';
import { switchoverProgress } from './switchoverProgress';

const T0 = '2026-11-24T10:00:00.000Z';
const T1 = '2026-11-24T10:05:00.000Z';

/** What the API reports for a two-instance cluster. */
function cluster(options: {
  primary: string;
  ready: boolean;
  lastFailover?: FailoverRecord;
}): ClusterResource {
  const replica = options.primary === 'db-0' ? 'db-1' : 'db-0';
  return {
    metadata: { namespace: 'ci', name: 'db', generation: 1 },
    spec: { replicas: 2 },
    status: {
      observedGeneration: 1,
      phase: options.ready ? 'Running' : 'Updating',
      endpoints: {},
      instances: [
        { name: options.primary, role: 'primary', node: 'a', ready: true },
        { name: replica, role: 'replica', node: 'b', ready: options.ready },
      ],
      conditions: [
        {
          type: 'Ready',
          status: options.ready ? 'True' : 'False',
          reason: options.ready ? 'Available' : 'InstancesNotReady',
          message: options.ready
            ? '2 of 2 instances ready'
            : '1 of 2 instances ready',
          observedGeneration: 1,
          lastTransitionTime: T0,
        },
      ],
      ...(options.lastFailover && { lastFailover: options.lastFailover }),
    },
  } as ClusterResource;
}

const record = (
  kind: FailoverRecord['kind'],
  to: string,
  timestamp: string,
): FailoverRecord => ({
  kind,
  to,
  from: to === 'db-1' ? 'db-0' : 'db-1',
  timestamp,
  durationMs: 800,
  reason: 'Requested',
});

const event = (reason: string, message = reason): ClusterEvent => ({
  id: reason,
  cluster: 'ci/db',
  type: reason === 'SwitchoverRefused' ? 'Warning' : 'Normal',
  reason,
  message,
  timestamp: T1,
});

describe('switchoverProgress', () => {
  it('is done once a newer switchover record shows and the cluster is Ready with that primary', () => {
    const done = record('switchover', 'db-1', T1);
    expect(
      switchoverProgress(
        cluster({ primary: 'db-1', ready: true, lastFailover: done }),
        [],
        { previousPrimary: 'db-0' },
      ),
    ).toEqual({ state: 'done', record: done });
  });

  it('does not take the record from before the request, or a failover, for the switchover', () => {
    const earlier = record('switchover', 'db-1', T0);
    expect(
      switchoverProgress(
        cluster({ primary: 'db-1', ready: true, lastFailover: earlier }),
        [event('SwitchoverRequested')],
        { previousPrimary: 'db-1', previousRecordAt: T0 },
      ),
    ).toEqual({
      state: 'waiting',
      description:
        'the primary is still db-1; Ready is True (Available: 2 of 2 instances ready)',
    });
    expect(
      switchoverProgress(
        cluster({
          primary: 'db-1',
          ready: true,
          lastFailover: record('failover', 'db-1', T1),
        }),
        [],
        { previousPrimary: 'db-0' },
      ).state,
    ).toBe('waiting');
  });

  it('waits for the cluster to be Ready again after the change of primary', () => {
    expect(
      switchoverProgress(
        cluster({
          primary: 'db-1',
          ready: false,
          lastFailover: record('switchover', 'db-1', T1),
        }),
        [],
        { previousPrimary: 'db-0' },
      ),
    ).toEqual({
      state: 'waiting',
      description:
        'switched over to db-1, waiting for the cluster to be Ready again; Ready is False (InstancesNotReady: 1 of 2 instances ready)',
    });
  });

  it('is refused when the controller gave up the latest request', () => {
    const message = 'Cannot switch over to db-1: the replicas are none';
    expect(
      switchoverProgress(
        cluster({ primary: 'db-0', ready: true }),
        [
          event('InstanceCreated'),
          event('SwitchoverRefused', message),
          event('SwitchoverRequested'),
        ],
        { previousPrimary: 'db-0' },
      ),
    ).toEqual({ state: 'refused', message });
    // A refusal of an earlier request is not the answer to a newer one.
    expect(
      switchoverProgress(
        cluster({ primary: 'db-0', ready: true }),
        [event('SwitchoverRequested'), event('SwitchoverRefused', message)],
        { previousPrimary: 'db-0' },
      ).state,
    ).toBe('waiting');
  });
});
