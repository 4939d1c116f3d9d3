import { PassThrough, Readable, Writable } from 'node:stream';
import { CustomErrorBase } from '@backstage/errors';
import { Exec, KubeConfig, V1Status } from '@kubernetes/client-node';

/** Keeps the end of a command's output for its error message. */
const OUTPUT_TAIL_CHARS = 4_000;

/** A command run in a Pod's container that failed or timed out. */
export class PodExecError extends CustomErrorBase {
  name = 'PodExecError' as const;
}

/** Where a command runs. */
export interface PodTarget {
  namespace: string;
  pod: string;
  container: string;
}

/**
 * Runs commands in a Pod's container through the API server's `exec`
 * (which works the same from inside and outside the cluster). Input goes
 * over stdin; the exec protocol cannot signal its end, so commands read a
 * known number of bytes (see {@link shellReadingStdin}) rather than to EOF.
 */
export class PodExec {
  private readonly exec: Exec;

  constructor(kubeConfig: KubeConfig) {
    this.exec = new Exec(kubeConfig);
  }

  /**
   * Runs `command` and resolves with its output; rejects with a
   * {@link PodExecError} carrying the output's tail when it exits non-zero,
   * cannot run, or outlives `timeoutMs`.
   */
  async run(
    target: PodTarget,
    command: string[],
    options: { stdin?: Readable | Buffer | string; timeoutMs?: number } = {},
  ): Promise<{ stdout: string; stderr: string }> {
    const stdout = collector();
    const stderr = collector();
    const stdin = toStream(options.stdin);
    const label = `${command[0]} in ${target.namespace}/${target.pod}`;
    const status = await new Promise<V1Status>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      this.exec
        .exec(
          target.namespace,
          target.pod,
          target.container,
          command,
          stdout.stream,
          stderr.stream,
          stdin,
          false,
          result => {
            clearTimeout(timer);
            resolve(result);
          },
        )
        .then(socket => {
          socket.on('close', () =>
            // Closed without a status: the container or the node went away.
            setTimeout(
              () =>
                resolve({
                  status: 'Failure',
                  message: 'the connection closed before the command ended',
                }),
              100,
            ),
          );
          if (options.timeoutMs) {
            timer = setTimeout(() => {
              socket.close();
              reject(
                new PodExecError(
                  `${label} did not finish within ${options.timeoutMs} ms${tail(
                    stderr.text() || stdout.text(),
                  )}`,
                ),
              );
            }, options.timeoutMs);
          }
        }, reject);
    }).catch(error => {
      if (error instanceof PodExecError) throw error;
      throw new PodExecError(`Could not run ${label}: ${errorMessage(error)}`);
    });
    if (status.status === 'Success') {
      return { stdout: stdout.text(), stderr: stderr.text() };
    }
    throw new PodExecError(
      `${label} failed: ${status.message ?? status.reason ?? 'unknown'}${tail(
        stderr.text() || stdout.text(),
      )}`,
    );
  }
}

/**
 * A shell command line that reads exactly `bytes` bytes of stdin into the
 * command `then` (as its stdin) and leaves the rest, so it needs no EOF.
 */
export function shellReadingStdin(bytes: number, then: string): string {
  return bytes === 0 ? `${then} </dev/null` : `head -c ${bytes} | ${then}`;
}

function toStream(input: Readable | Buffer | string | undefined) {
  if (input === undefined) return null;
  if (input instanceof Readable) return input;
  return Readable.from([Buffer.from(input)]);
}

function collector(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', chunk => chunks.push(Buffer.from(chunk)));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

function tail(output: string): string {
  const trimmed = output.trim();
  if (!trimmed) return '';
  return `: ${
    trimmed.length > OUTPUT_TAIL_CHARS
      ? `…${trimmed.slice(-OUTPUT_TAIL_CHARS)}`
      : trimmed
  }`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
