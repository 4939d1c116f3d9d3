import { spawn } from 'node:child_process';
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
  const [file, args] = niced(options.file, options.args, options.background);
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.user.switched
        ? { uid: options.user.uid, gid: options.user.gid }
        : {}),
    });
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

    const fail = (what: string, cause?: Error) => {
      const tail = lastLines(output.stderr || output.stdout, 10);
      reject(
        new EngineCommandError(
          `${name} ${what}${
            tail ? `; last lines of its output:\n${tail}` : ''
          }`,
          cause,
        ),
      );
    };
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
