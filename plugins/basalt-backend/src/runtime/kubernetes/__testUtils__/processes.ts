import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { signalServer, waitUntilGone } from '../../local/processes';

/**
 * Spawns a long-running test process with its output appended to
 * `logFile`. It leads its own process group (so a signal reaches its
 * helpers too) and is started through `setpriv --pdeathsig KILL`: should the
 * test runner itself die without cleaning up, the kernel kills the process
 * rather than leaving it running.
 */
export function spawnGuarded(
  command: string,
  args: string[],
  logFile: string,
  options: Omit<SpawnOptions, 'stdio' | 'detached'> = {},
): ChildProcess {
  const log = fs.openSync(logFile, 'a');
  try {
    const child = spawn(
      'setpriv',
      ['--pdeathsig', 'KILL', '--', command, ...args],
      { ...options, stdio: ['ignore', log, log], detached: true },
    );
    // An unhandled 'error' event (e.g. ENOENT) would crash the test run.
    child.on('error', () => {});
    return child;
  } finally {
    fs.closeSync(log);
  }
}

/** The program a {@link spawnGuarded} child runs, e.g. `etcd`. */
export function programOf(child: ChildProcess): string {
  const args = child.spawnargs;
  return path.basename(args[args.indexOf('--') + 1]);
}

/** Whether the child has exited (its exit status is known). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves once `child` has exited; at once when it already has. */
export function waitForExit(child: ChildProcess): Promise<void> {
  if (hasExited(child) || child.pid === undefined) {
    return Promise.resolve();
  }
  return new Promise(resolve => child.once('exit', () => resolve()));
}

/**
 * Stops a child started by {@link spawnGuarded}: SIGTERM to its group,
 * SIGKILL after `graceMs`, and resolves once it has exited.
 */
export async function stopChild(
  child: ChildProcess,
  graceMs = 5_000,
): Promise<void> {
  if (child.pid === undefined || hasExited(child)) {
    return;
  }
  const exited = waitForExit(child);
  signalServer(child.pid, 'SIGTERM', true);
  const timer = setTimeout(() => {
    if (child.pid !== undefined) {
      signalServer(child.pid, 'SIGKILL', true);
    }
  }, graceMs);
  try {
    await exited;
    if (!(await waitForGroupGone(child.pid, graceMs))) {
      signalServer(child.pid, 'SIGKILL', true);
      await waitForGroupGone(child.pid, graceMs);
    }
  } finally {
    clearTimeout(timer);
  }
}

/** The last `maxLines` lines of a text file, or '' when it is unreadable. */
export function tailOfFile(file: string, maxLines = 30): string {
  try {
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return lines.slice(-maxLines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Resolves once no process of group `pgid` is left, or after `timeoutMs`
 * (then `false`). A group leader's exit does not mean its group is gone:
 * e.g. PostgreSQL's backends die a moment after the postmaster.
 */
function waitForGroupGone(pgid: number, timeoutMs = 5_000): Promise<boolean> {
  return waitUntilGone(async () => groupExists(pgid), timeoutMs);
}

/** Whether a process of group `pgid` is left (EPERM counts as one). */
function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
