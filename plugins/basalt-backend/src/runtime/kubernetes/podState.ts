import { V1Node, V1Pod } from '@kubernetes/client-node';
import { ENGINE_CONTAINER, STARTED_ANNOTATION } from './manifests/pod';

/** Whether a Node is Ready (its kubelet reports in) and takes Pods. */
export function nodeIsReady(node: V1Node | undefined): boolean {
  if (!node || node.spec?.unschedulable) return false;
  return hasTrueCondition(node.status?.conditions, 'Ready');
}

/** The engine container's status, once the kubelet reported one. */
export function engineStatus(pod: V1Pod) {
  return pod.status?.containerStatuses?.find(
    status => status.name === ENGINE_CONTAINER,
  );
}

/** The engine container runs (its server, or the wait before it). */
export function engineContainerRunning(pod: V1Pod): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    Boolean(pod.status.podIP) &&
    Boolean(engineStatus(pod)?.state?.running)
  );
}

/** Basalt told this Pod's engine to start (its data is prepared). */
export function engineStarted(pod: V1Pod): boolean {
  return pod.metadata?.annotations?.[STARTED_ANNOTATION] === pod.metadata?.uid;
}

/** The Pod's Ready condition (its engine answers its readiness probe). */
export function podIsReady(pod: V1Pod): boolean {
  return hasTrueCondition(pod.status?.conditions, 'Ready');
}

/** Whether `conditions` has one of `type` whose status is True. */
function hasTrueCondition(
  conditions: readonly { type: string; status: string }[] | undefined,
  type: string,
): boolean {
  return (
    conditions?.some(
      condition => condition.type === type && condition.status === 'True',
    ) ?? false
  );
}

/**
 * Why a Pod cannot run, when the kubelet says so: an image it cannot pull,
 * a container that keeps crashing, a failed init container, a failed Pod.
 */
export function podFailure(pod: V1Pod): string | undefined {
  if (pod.status?.phase === 'Failed') {
    return pod.status.message ?? pod.status.reason ?? 'the Pod failed';
  }
  for (const status of [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ]) {
    const waiting = status.state?.waiting;
    if (
      waiting?.reason &&
      /ErrImagePull|ImagePullBackOff|InvalidImageName|CrashLoopBackOff|CreateContainerConfigError|CreateContainerError/.test(
        waiting.reason,
      )
    ) {
      return `${status.name}: ${waiting.reason}${
        waiting.message ? ` (${waiting.message})` : ''
      }`;
    }
    const terminated = status.state?.terminated ?? status.lastState?.terminated;
    if (
      terminated &&
      terminated.exitCode !== 0 &&
      pod.status?.initContainerStatuses?.includes(status)
    ) {
      return `${status.name} exited with ${terminated.exitCode}${
        terminated.message ? `: ${terminated.message}` : ''
      }`;
    }
  }
  return undefined;
}

/** How the engine's last run ended, in words, for an instance-exited event. */
export function lastExit(pod: V1Pod): string | undefined {
  const terminated =
    engineStatus(pod)?.state?.terminated ??
    engineStatus(pod)?.lastState?.terminated;
  if (!terminated) return undefined;
  return `the engine exited with ${terminated.exitCode}${
    terminated.reason ? ` (${terminated.reason})` : ''
  }${terminated.message ? `: ${terminated.message.trim()}` : ''}`;
}
