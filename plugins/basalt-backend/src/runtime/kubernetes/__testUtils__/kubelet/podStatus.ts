import {
  V1Container,
  V1ContainerState,
  V1ContainerStatus,
  V1PodCondition,
  V1PodStatus,
} from '@kubernetes/client-node';

/** A container that has exited. */
export interface Terminated {
  kind: 'terminated';
  exitCode: number;
  signal?: number;
  reason: string;
  message?: string;
  startedAt: Date;
  finishedAt: Date;
}

/** The state of one container, as the container runtime reports it. */
export type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: Date }
  | Terminated;

/** What the simulator tracks of a container of a Pod. */
export interface ContainerRecord {
  spec: V1Container;
  state: ContainerState;
  lastTerminated?: Terminated;
  restartCount: number;
  ready: boolean;
  /** Whether it was ever started (a Pod is Pending until all were). */
  started: boolean;
  /** The pid of its current process, shown as its container ID. */
  pid?: number;
  /** The next restart delay, doubling from 1 s up to 10 s. */
  backoffMs: number;
}

/** Everything a Pod's status is made of. */
export interface PodState {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  reason?: string;
  message?: string;
  podIP?: string;
  startTime: Date;
  initialized: boolean;
  initContainers: ContainerRecord[];
  containers: ContainerRecord[];
}

function apiState(state: ContainerState): V1ContainerState {
  switch (state.kind) {
    case 'waiting':
      return { waiting: { reason: state.reason, message: state.message } };
    case 'running':
      return { running: { startedAt: state.startedAt } };
    default:
      return {
        terminated: {
          exitCode: state.exitCode,
          signal: state.signal,
          reason: state.reason,
          message: state.message,
          startedAt: state.startedAt,
          finishedAt: state.finishedAt,
        },
      };
  }
}

function containerStatus(record: ContainerRecord): V1ContainerStatus {
  return {
    name: record.spec.name,
    image: record.spec.image ?? '',
    imageID: `simulated://${record.spec.image ?? ''}`,
    containerID: record.pid ? `simulated://${record.pid}` : undefined,
    state: apiState(record.state),
    lastState: record.lastTerminated ? apiState(record.lastTerminated) : {},
    ready: record.ready,
    restartCount: record.restartCount,
    started: record.state.kind === 'running',
  };
}

/**
 * Keeps each condition's lastTransitionTime from the last time its status
 * changed, as kubelet does.
 */
export class ConditionClock {
  private readonly last = new Map<string, { status: string; at: Date }>();

  /** A condition, with the time it took this status. */
  condition(type: string, ok: boolean, reason?: string): V1PodCondition {
    const status = ok ? 'True' : 'False';
    let entry = this.last.get(type);
    if (!entry || entry.status !== status) {
      entry = { status, at: new Date() };
      this.last.set(type, entry);
    }
    return {
      type,
      status,
      reason: ok ? undefined : reason,
      lastProbeTime: undefined,
      lastTransitionTime: entry.at,
    };
  }
}

/** Builds the Pod status kubelet would report for `state`. */
export function buildPodStatus(
  state: PodState,
  clock: ConditionClock,
): V1PodStatus {
  const containersReady =
    state.containers.length > 0 && state.containers.every(c => c.ready);
  return {
    phase: state.phase,
    reason: state.reason,
    message: state.message,
    hostIP: '127.0.0.1',
    podIP: state.podIP,
    podIPs: state.podIP ? [{ ip: state.podIP }] : undefined,
    startTime: state.startTime,
    conditions: [
      clock.condition(
        'Initialized',
        state.initialized,
        'ContainersNotInitialized',
      ),
      clock.condition('Ready', containersReady, 'ContainersNotReady'),
      clock.condition('ContainersReady', containersReady, 'ContainersNotReady'),
      clock.condition('PodScheduled', true),
    ],
    initContainerStatuses: state.initContainers.length
      ? state.initContainers.map(containerStatus)
      : undefined,
    containerStatuses: state.containers.map(containerStatus),
  };
}
