import { ChildProcess, spawn, StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import { waitForExit } from '../processes';
import { EXEC_MARK } from './containerWrapper';

/**
 * Starts `command` through a container's wrapper, as a container: in new
 * PID and mount namespaces. The wrapper's process is PID 1 there, so, as in
 * a real container, a SIGTERM it has no handler for is ignored, orphans are
 * its to reap, and when it dies the kernel kills everything else in the
 * container at once (PostgreSQL's backends, which leave the process group,
 * included).
 *
 * The spawned process is `unshare`, waiting for the container's PID 1 and
 * exiting as it did. It is guarded by `--pdeathsig KILL`, and kills PID 1 if
 * it dies itself (`--kill-child`): nothing outlives the test runner.
 */
export function spawnInContainer(
  wrapper: string,
  command: string[],
  stdio: StdioOptions,
): ChildProcess {
  return spawnGuarded(
    [
      'unshare',
      '--fork',
      '--pid',
      '--kill-child=SIGKILL',
      '--mount',
      '--propagation',
      'private',
    ],
    wrapper,
    command,
    stdio,
  );
}

/**
 * Runs `command` in a running container, as kubelet's exec does: in the
 * PID and mount namespaces of the container's PID 1 (`init`, a host pid).
 * A process it daemonizes (e.g. `pg_ctl start`) therefore outlives the
 * command, as in a real container, until the container stops.
 */
export function spawnInRunningContainer(
  wrapper: string,
  init: number,
  command: string[],
  stdio: StdioOptions,
): ChildProcess {
  return spawnGuarded(
    ['nsenter', `--target=${init}`, '--pid', '--mount'],
    wrapper,
    command,
    stdio,
    { [EXEC_MARK]: '1' },
  );
}

/**
 * Runs `/bin/sh wrapper command` through `namespaces` (an unshare or
 * nsenter command line), killed should the test runner die.
 */
function spawnGuarded(
  namespaces: string[],
  wrapper: string,
  command: string[],
  stdio: StdioOptions,
  env: Record<string, string> = {},
): ChildProcess {
  const child = spawn(
    'setpriv',
    [
      '--pdeathsig',
      'KILL',
      '--',
      ...namespaces,
      '--',
      '/bin/sh',
      wrapper,
      ...command,
    ],
    {
      detached: true,
      stdio,
      cwd: '/',
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
    },
  );
  // Reported through 'exit'/'close' by the callers; unhandled it would crash.
  child.on('error', () => {});
  return child;
}

/**
 * The host pid of a container's PID 1 (the first child of `unshare`, or
 * of `nsenter` for an exec'd command), once forked.
 */
export function containerInit(child: ChildProcess): number | undefined {
  if (child.pid === undefined) {
    return undefined;
  }
  try {
    const children = fs.readFileSync(
      `/proc/${child.pid}/task/${child.pid}/children`,
      'utf8',
    );
    const first = Number.parseInt(children.trim().split(/\s+/)[0], 10);
    return Number.isInteger(first) ? first : undefined;
  } catch {
    return undefined; // exited already
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

/**
 * Sends `signal` to a container's PID 1, as a container runtime does to
 * stop it; before it exists, to `unshare` (which then kills it).
 */
export function signalContainer(
  child: ChildProcess,
  signal: NodeJS.Signals,
): void {
  const init = containerInit(child);
  if (init !== undefined) {
    kill(init, signal);
  } else if (child.pid !== undefined) {
    kill(child.pid, signal === 'SIGTERM' ? 'SIGKILL' : signal);
  }
}

/**
 * SIGKILLs a container (or an exec'd command) and resolves once it is
 * gone: for a container, `unshare` reports PID 1's death only after the
 * kernel has reaped the whole PID namespace.
 */
export async function killContainer(child: ChildProcess): Promise<void> {
  signalContainer(child, 'SIGKILL');
  await waitForExit(child);
}
