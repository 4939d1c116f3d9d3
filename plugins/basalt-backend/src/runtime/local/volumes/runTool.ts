import { execFile, ExecFileException } from 'node:child_process';
import path from 'node:path';
import { CustomErrorBase } from '@backstage/errors';
import { lastLines } from '../files';

/**
 * Where the volume tools live. The backend may have been started with a PATH
 * that lacks the sbin directories (losetup, mkfs.xfs and xfs_growfs are
 * there), so they are always searched as well.
 */
export const TOOL_PATH = [
  ...(process.env.PATH ?? '').split(':').filter(Boolean),
  '/usr/local/sbin',
  '/usr/sbin',
  '/sbin',
  '/usr/bin',
  '/bin',
].join(':');

/** A volume tool (losetup, mount, mkfs.xfs, …) failed or timed out. */
export class VolumeCommandError extends CustomErrorBase {
  name = 'VolumeCommandError' as const;

  constructor(
    message: string,
    /** The tool's exit code, `undefined` when it was killed or not run. */
    readonly exitCode: number | undefined,
    /** The last lines the tool printed, for the error's reader. */
    readonly output: string,
  ) {
    super(message);
  }
}

/**
 * Runs a tool as the backend's own user (volume steps need root) and returns
 * its output. Exit codes other than 0 fail unless listed in `okCodes`: some
 * tools answer "nothing found" with a code (blkid uses 2). Errors name the
 * tool and carry the last lines of its output.
 */
export function runTool(
  file: string,
  args: string[],
  options: { timeoutMs?: number; okCodes?: number[] } = {},
): Promise<{ stdout: string; exitCode: number }> {
  const name = path.basename(file);
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        env: { PATH: TOOL_PATH, LC_ALL: 'C' },
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 4 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = exitCodeOf(error);
        if (
          code === 0 ||
          (code !== undefined && options.okCodes?.includes(code))
        ) {
          resolve({ stdout, exitCode: code });
          return;
        }
        const tail = lastLines(stderr || stdout, 10);
        let what = `exited with code ${code}`;
        if (error?.killed) what = `did not finish within ${timeoutMs} ms`;
        else if (code === undefined)
          what = `could not be run (${error?.message})`;
        reject(
          new VolumeCommandError(
            `${name} ${what}${
              tail ? `; last lines of its output:\n${tail}` : ''
            }`,
            code,
            tail,
          ),
        );
      },
    );
  });
}

// execFile reports a program that could not start (ENOENT) with a string code.
function exitCodeOf(error: ExecFileException | null): number | undefined {
  if (!error) return 0;
  return typeof error.code === 'number' ? error.code : undefined;
}
