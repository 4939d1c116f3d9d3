import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { CustomErrorBase } from '@backstage/errors';
import { EngineUser } from './engineUser';
import { lastLines } from './files';
import { niced } from '../niced';
import { signalServer } from './processes';

// Output kept per stream: enough for any error's context, bounded for tools
// that print a lot.
const MAX_OUTPUT = 256 * 1024;

/** An engine program failed or outlived its deadline. */
export class EngineCommandError extends CustomErrorBase {
  name = 'EngineCommandError' as const;
}

/**
 * The error of program `name` that `what` (e.g. `exited with code 1`),
 * with the last lines of its output.
 */
export function programFailed(
  name: string,
  what: string,
  output: string,
  cause?: Error,
): EngineCommandError {
  const tail = lastLines(output, 10);
  return new EngineCommandError(
    `${name} ${what}${tail ? `; last lines of its output:\n${tail}` : ''}`,
    cause,
  );
}

/**
 * Starts `file` as the engine's user, in its own session and process group
 * (no controlling terminal, so nothing can prompt; the group can be killed
 * whole), niced for `background` work, with stdout and stderr piped and
 * stdin as `stdin` says.
 */
export function spawnAsEngineUser(
  options: {
    file: string;
    args: string[];
    cwd: string;
    env: Record<string, string>;
    user: EngineUser;
    background?: boolean;
  },
  stdin: 'ignore' | 'pipe',
): ChildProcess {
  const [file, args] = niced(options.file, options.args, options.background);
  return spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: [stdin, 'pipe', 'pipe'],
    ...(options.user.switched
      ? { uid: options.user.uid, gid: options.user.gid }
      : {}),
  });
}

/**
 * Runs a program to completion as the engine's user and collects its output.
 * The program gets its own session (no controlling terminal, so nothing can
 * prompt) and no standard input; on timeout its whole process group is
 * killed. Errors name the program but not its arguments, and carry the last
 * lines of its output.
 */
export function runProgram(options: {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  user: EngineUser;
  timeoutMs: number;
  /** Kills the program (its whole process group) when fired. */
  signal?: AbortSignal;
  /** Runs it at background priority (see {@link niced}). */
  background?: boolean;
}): Promise<{ stdout: string; stderr: string }> {
  const name = path.basename(options.file);
  return new Promise((resolve, reject) => {
    const child = spawnAsEngineUser(options, 'ignore');
    const output = { stdout: '', stderr: '' };
    const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      output[stream] = (output[stream] + chunk.toString('utf8')).slice(
        -MAX_OUTPUT,
      );
    };
    child.stdout!.on('data', collect('stdout'));
    child.stderr!.on('data', collect('stderr'));

    let timedOut = false;
    const killGroup = () => {
      if (child.pid) signalServer(child.pid, 'SIGKILL', true);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const { signal } = options;
    if (signal?.aborted) killGroup();
    signal?.addEventListener('abort', killGroup, { once: true });

    const fail = (what: string, cause?: Error) =>
      reject(programFailed(name, what, output.stderr || output.stdout, cause));
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', killGroup);
    };
    child.once('error', error => {
      settle();
      fail('could not be run', error);
    });
    child.once('close', (code, exitSignal) => {
      settle();
      if (timedOut) {
        fail(`did not finish within ${options.timeoutMs} ms`);
      } else if (signal?.aborted) {
        fail('was stopped: its work was cancelled');
      } else if (code !== 0) {
        fail(
          exitSignal
            ? `was killed by ${exitSignal}`
            : `exited with code ${code}`,
        );
      } else {
        resolve(output);
      }
    });
  });
}
