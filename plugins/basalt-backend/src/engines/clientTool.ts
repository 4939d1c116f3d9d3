import { spawn } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CustomErrorBase } from '@backstage/errors';
import { niced } from '../runtime/niced';

// Standard error kept: enough for any failure's context, bounded for
// `--verbose` tools.
const MAX_STDERR = 64 * 1024;

/** An engine's client tool run by the backend failed or was stopped. */
export class BackupToolError extends CustomErrorBase {
  name = 'BackupToolError' as const;
}

/** How to run one client tool (pg_basebackup, pg_dump, redis-cli, …). */
export interface ClientToolOptions {
  /** The directory with the engine's client programs. */
  binDir: string;
  program: string;
  /** Never a password: that goes in `env`. */
  args: string[];
  /**
   * The tool's own variables, e.g. its password (`PGPASSWORD`,
   * `REDISCLI_AUTH`): the only secrets in its environment.
   */
  env: Record<string, string>;
  /** Fed to the tool's standard input; when it fails, the tool is stopped. */
  stdin?: Readable;
  /** Stops the tool; the run then rejects with the signal's reason. */
  signal?: AbortSignal;
  timeoutMs: number;
}

/**
 * The whole environment of client tools: minimal, so the backend's own
 * variables (and any secrets in them) stay in the backend, and the password
 * is never an argument, which any local user could read.
 */
function clientEnvironment(binDir: string, env: Record<string, string>) {
  return {
    PATH: `${binDir}:/usr/local/bin:/usr/bin:/bin`,
    LANG: 'C',
    LC_ALL: 'C',
    ...env,
  };
}

/**
 * Runs a client tool on the backend's host and resolves with its standard
 * error once it exits successfully. With `consume`, the tool's standard
 * output is handed over as a stream that ends only when the tool succeeded
 * and fails when it did not, so whoever stores it (a repository's `put`)
 * never keeps the output of a failed tool.
 *
 * The tool gets its own process group and no terminal. When `consume`
 * rejects, `stdin` fails, `signal` aborts or `timeoutMs` passes, the whole
 * group is killed and the run rejects with that reason, after the tool has
 * exited: nothing is left running.
 */
export async function runClientTool(
  options: ClientToolOptions,
  consume?: (stdout: Readable) => Promise<void>,
): Promise<string> {
  const name = options.program;
  // Long work beside serving clients: at background priority.
  const [file, args] = niced(path.join(options.binDir, name), options.args);
  const child = spawn(file, args, {
    env: clientEnvironment(options.binDir, options.env),
    detached: true,
    stdio: [
      options.stdin ? 'pipe' : 'ignore',
      consume ? 'pipe' : 'ignore',
      'pipe',
    ],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-MAX_STDERR);
  });
  const exited = new Promise<Exit>(resolve => {
    child.once('error', error => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });

  let stopped: Error | undefined;
  let body: Readable | undefined;
  const stop = (reason: Error) => {
    if (stopped) return;
    stopped = reason;
    killGroup(child.pid);
    body?.destroy(reason);
  };
  const onAbort = () =>
    stop(asError(options.signal?.reason, `${name} was aborted`));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const timer = setTimeout(
    () =>
      stop(
        new BackupToolError(
          `${name} did not finish within ${options.timeoutMs} ms`,
        ),
      ),
    options.timeoutMs,
  );

  const failure = (exit: Exit) => toolFailure(name, exit, stderr);
  const work: Promise<void>[] = [];
  if (options.stdin) {
    work.push(
      pipeline(options.stdin, child.stdin!).catch(error => {
        // EPIPE: the tool stopped reading; its exit status says why.
        if ((error as NodeJS.ErrnoException).code !== 'EPIPE') stop(error);
      }),
    );
  }
  if (consume) {
    body = Readable.from(outputOf(child.stdout!, exited, failure), {
      objectMode: false,
    });
    work.push(consume(body).catch(error => stop(error)));
  }
  try {
    const exit = await exited;
    await Promise.all(work);
    if (stopped) throw stopped;
    const error = failure(exit);
    if (error) throw error;
    return stderr;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

async function* outputOf(
  stdout: Readable,
  exited: Promise<Exit>,
  failure: (exit: Exit) => Error | undefined,
): AsyncGenerator<Buffer> {
  for await (const chunk of stdout) yield chunk as Buffer;
  const error = failure(await exited);
  if (error) throw error;
}

function toolFailure(
  name: string,
  exit: Exit,
  stderr: string,
): Error | undefined {
  if (exit.error) {
    return new BackupToolError(`${name} could not be run`, exit.error);
  }
  if (exit.code === 0) return undefined;
  const tail = lastLines(stderr, 10);
  const what = exit.signal
    ? `was killed by ${exit.signal}`
    : `exited with code ${exit.code}`;
  return new BackupToolError(
    `${name} ${what}${tail ? `; last lines of its output:\n${tail}` : ''}`,
  );
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
      return;
    } catch {
      // no such group (or already gone): try the process itself
    }
  }
}

function asError(reason: unknown, fallback: string): Error {
  return reason instanceof Error ? reason : new BackupToolError(fallback);
}

/** The last `count` non-empty lines of `text`. */
export function lastLines(text: string, count: number): string {
  return text
    .split('\n')
    .map(line => line.trimEnd())
    .filter(Boolean)
    .slice(-count)
    .join('\n');
}
