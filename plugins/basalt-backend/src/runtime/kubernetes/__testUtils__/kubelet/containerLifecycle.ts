import os from 'node:os';
import { V1Container } from '@kubernetes/client-node';
import { tailOfFile } from '../processes';
import { ContainerRecord, PodState, Terminated } from './podStatus';

/** kubelet's restart back-off: 1 s, doubling, at most 10 s here. */
const MAX_BACKOFF_MS = 10_000;

/**
 * A process's exit status as a shell reports it: its exit code, or 128 plus
 * the number of the signal that killed it.
 */
export function exitStatus(
  code: number | null,
  signal: NodeJS.Signals | null,
): number {
  return code ?? 128 + (signal ? os.constants.signals[signal] : 0);
}

/** A container not started yet, waiting for `reason`. */
export function newRecord(spec: V1Container, reason: string): ContainerRecord {
  return {
    spec,
    state: { kind: 'waiting', reason },
    restartCount: 0,
    ready: false,
    started: false,
    backoffMs: 1000,
  };
}

/** The delay before the next restart of a container, doubling the next one. */
export function nextBackoff(record: ContainerRecord): number {
  const delay = record.backoffMs;
  record.backoffMs = Math.min(delay * 2, MAX_BACKOFF_MS);
  return delay;
}

/**
 * The terminated state of a container whose process exited. A failure's
 * message is the end of its log, like kubelet's FallbackToLogsOnError.
 */
export function terminatedState(
  startedAt: Date,
  code: number | null,
  signal: NodeJS.Signals | null,
  logFile: string,
): Terminated {
  const signo = signal ? os.constants.signals[signal] : undefined;
  const exitCode = exitStatus(code, signal);
  return {
    kind: 'terminated',
    exitCode,
    signal: signo,
    reason: exitCode === 0 ? 'Completed' : 'Error',
    message: exitCode === 0 ? undefined : tailOfFile(logFile, 10).slice(-2048),
    startedAt,
    finishedAt: new Date(),
  };
}

/** Whether restartPolicy restarts a container that exited with `exitCode`. */
export function shouldRestart(
  restartPolicy: string | undefined,
  exitCode: number,
): boolean {
  const policy = restartPolicy ?? 'Always';
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

/**
 * The Pod phase kubelet derives from its containers: Pending until all were
 * started, Running while one runs or will restart, then Succeeded when all
 * exited 0, else Failed. A Pod failed for another reason stays Failed.
 */
export function podPhase(state: PodState): PodState['phase'] {
  const { containers } = state;
  if (state.phase === 'Failed' && state.reason) {
    return 'Failed';
  }
  if (!state.initialized || containers.some(c => !c.started)) {
    return 'Pending';
  }
  if (containers.some(c => c.state.kind !== 'terminated')) {
    return 'Running';
  }
  const ok = containers.every(
    c => c.state.kind === 'terminated' && c.state.exitCode === 0,
  );
  return ok ? 'Succeeded' : 'Failed';
}
