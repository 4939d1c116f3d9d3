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
 * over stdin; the exec protocol cannot signal its end, so commands must not
 * read to EOF (`PodEngineHost` frames what it sends).
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
    await this.#execute(target, command, {
      stdin: toStream(options.stdin),
      stdout: stdout.stream,
      stderr,
      timeoutMs: options.timeoutMs,
      outputTail: () => stderr.text() || stdout.text(),
    });
    return { stdout: stdout.text(), stderr: stderr.text() };
  }

  /**
   * Runs `command` writing its output into `stdout` as it comes, and
   * resolves once it succeeded; rejects like {@link PodExec.run}, or when
   * `signal` aborts (which closes the stream: the command ends at its next
   * read or write of it).
   */
  async stream(
    target: PodTarget,
    command: string[],
    options: {
      stdin?: Readable;
      stdout: Writable;
      signal?: AbortSignal;
      /** What errors call the command; its first word by default. */
      name?: string;
    },
  ): Promise<void> {
    const stderr = collector();
    await this.#execute(target, command, {
      name: options.name,
      stdin: options.stdin ?? null,
      stdout: options.stdout,
      stderr,
      signal: options.signal,
      outputTail: () => stderr.text(),
    });
  }

  async #execute(
    target: PodTarget,
    command: string[],
    io: {
      stdin: Readable | null;
      stdout: Writable;
      stderr: { stream: Writable };
      timeoutMs?: number;
      signal?: AbortSignal;
      name?: string;
      outputTail(): string;
    },
  ): Promise<void> {
    const label = `${io.name ?? command[0]} in ${target.namespace}/${
      target.pod
    }`;
    // The client closes the connection as soon as stdin ends, and exec
    // (protocol v4) cannot tell the command that stdin ended: the command
    // would be cut off. Input is held open until the command's status
    // arrives; commands learn the end of their input from its framing.
    const stdin = io.stdin && holdOpen(io.stdin);
    const status = await new Promise<V1Status>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      this.exec
        .exec(
          target.namespace,
          target.pod,
          target.container,
          command,
          io.stdout,
          io.stderr.stream,
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
                  message: io.signal?.aborted
                    ? 'it was stopped: its work was cancelled'
                    : 'the connection closed before the command ended',
                }),
              100,
            ),
          );
          if (io.signal?.aborted) socket.close();
          io.signal?.addEventListener('abort', () => socket.close(), {
            once: true,
          });
          if (io.timeoutMs) {
            timer = setTimeout(() => {
              socket.close();
              reject(
                new PodExecError(
                  `${label} did not finish within ${io.timeoutMs} ms${tail(
                    io.outputTail(),
                  )}`,
                ),
              );
            }, io.timeoutMs);
          }
        }, reject);
    })
      .catch(error => {
        if (error instanceof PodExecError) throw error;
        throw new PodExecError(
          `Could not run ${label}: ${errorMessage(error)}`,
        );
      })
      .finally(() => stdin?.end());
    if (status.status !== 'Success') {
      throw new PodExecError(
        `${label} failed: ${status.message ?? status.reason ?? 'unknown'}${tail(
          io.outputTail(),
        )}`,
      );
    }
  }
}

/** `input`, except that its end is not passed on (see `#execute`). */
function holdOpen(input: Readable): PassThrough {
  const held = new PassThrough();
  input.on('error', error => held.destroy(error));
  input.pipe(held, { end: false });
  return held;
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
