import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';

/**
 * Whether `pid` is a live process of the server whose data is in `marker`,
 * which tells it from an unrelated process that got its pid after it
 * exited: its command line names the directory (as an argument, or as the
 * value of an `--option=`), or it works in it (servers start there, and
 * PostgreSQL, Redis and MariaDB stay there, whatever their process title
 * says: Redis rewrites its own). Zombies have neither and so do not count.
 * Where there is no `/proc`, liveness alone decides.
 */
export async function isServerAlive(
  pid: number,
  marker: string,
): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: the pid now belongs to another user's process,
    // which a server started by this runtime never is.
    return false;
  }
  let cmdline: string;
  try {
    cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch (error) {
    if (process.platform !== 'linux') {
      return true; // no /proc to look into
    }
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
  if (
    cmdline
      .split('\0')
      .some(arg => arg === marker || arg.endsWith(`=${marker}`))
  ) {
    return true;
  }
  return (await workingDirectoryOf(pid)) === marker;
}

/** Where process `pid` works, or undefined when that cannot be read. */
async function workingDirectoryOf(pid: number): Promise<string | undefined> {
  try {
    return await fs.readlink(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/**
 * The state of process `pid` in `/proc/<pid>/stat`: `stopped` (by SIGSTOP
 * or a debugger), `zombie`, `gone` (or no `/proc`), or `running` (which
 * includes sleeping). Read synchronously: `/proc` never waits on a disk,
 * and this runs several times a second per watched primary, where a round
 * trip through the thread pool costs more than the read.
 */
export function processState(
  pid: number,
): 'running' | 'stopped' | 'zombie' | 'gone' {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 'gone';
  }
  // The state follows the command, which is in parentheses.
  const state = stat.charAt(stat.lastIndexOf(')') + 2);
  if (state === 'T' || state === 't') return 'stopped';
  if (state === 'Z' || state === 'X') return 'zombie';
  return 'running';
}

/** Reads a pid file's first line; `undefined` when missing or garbled. */
export async function readPidFile(file: string): Promise<number | undefined> {
  try {
    const [first] = (await fs.readFile(file, 'utf8')).split('\n');
    const pid = Number.parseInt(first.trim(), 10);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

/**
 * Sends a signal to a server and, when it leads a process group (servers are
 * started detached, so they do), to everything in that group; a server's
 * helpers are then not orphaned by a SIGKILL.
 */
export function signalServer(
  pid: number,
  signal: NodeJS.Signals,
  group: boolean,
): void {
  try {
    process.kill(group ? -pid : pid, signal);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (group && code === 'ESRCH') {
      signalServer(pid, signal, false);
    } else if (code !== 'ESRCH') {
      throw error;
    }
  }
}

/** Resolves `true` once `alive()` turns false, or `false` after `timeoutMs`. */
export async function waitUntilGone(
  alive: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 20,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await alive()) {
    if (Date.now() >= deadline) {
      return false;
    }
    await sleep(intervalMs);
  }
  return true;
}

/** Whether something accepts TCP connections at host:port. */
export function acceptsConnections(
  host: string,
  port: number,
  timeoutMs = 1000,
): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ host, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Kills the processes working inside `dir` (their working directory is in
 * it) and waits until they are gone: an engine program (a clone, a
 * restore) that a backend which stopped abruptly left running, and that
 * would otherwise go on writing into an instance being removed. Engine
 * programs run in the instance's data directory (`runProgram`). Returns
 * their pids. Linux only; elsewhere nothing is found.
 */
export async function killProcessesWorkingIn(dir: string): Promise<number[]> {
  const entries = await fs.readdir('/proc').catch(() => [] as string[]);
  const found: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cwd = await fs.readlink(`/proc/${pid}/cwd`).catch(() => undefined);
    if (cwd === dir || cwd?.startsWith(`${dir}/`)) found.push(pid);
  }
  for (const pid of found) signalServer(pid, 'SIGKILL', false);
  await waitUntilGone(
    async () =>
      found.some(pid => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      }),
    5000,
  );
  return found;
}
