import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import {
  EngineAddress,
  EngineHost,
  StreamingProgram,
} from '@basalt/plugin-basalt-node';
import { PodExec, PodTarget } from './PodExec';
import { DATA_DIR, RUN_DIR } from './manifests/pod';

/** Larger streams are sent in pieces of this size (see {@link PodEngineHost.unpack}). */
const CHUNK_BYTES = 1024 * 1024;
/** How long a streamed file or archive may take to arrive. */
const STREAM_TIMEOUT_MS = 6 * 60 * 60_000;
/** Shell: writes the framed stdin (see `framed`) to stdout, unframed. */
const UNFRAME =
  'while IFS= read -r size && [ "$size" -gt 0 ]; do head -c "$size"; done';

/**
 * An {@link EngineHost} inside an instance's Pod: the driver's programs run
 * in the engine container through the API server's exec, as the image's
 * engine user, on the instance's volume. Secrets travel over stdin, never
 * in a command line (which the API server's audit log would record).
 */
export class PodEngineHost implements EngineHost {
  readonly dataDir = DATA_DIR;
  /** WAL is not archived from Pods (yet): the backend cannot reach their files. */
  readonly archiveDir = undefined;

  constructor(
    private readonly podExec: PodExec,
    private readonly target: PodTarget,
    readonly address: EngineAddress,
    readonly alsoListenOn?: string[],
  ) {}

  /** The official images have the engine's programs on their PATH. */
  binary(name: string): string {
    return name;
  }

  async exec(
    program: string,
    args: string[],
    options: { env?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<{ stdout: string; stderr: string }> {
    const env = environmentLines(options.env);
    const script = [environmentScript(env), 'exec "$@" </dev/null'].join('\n');
    return this.podExec.run(
      this.target,
      ['sh', '-c', script, 'sh', program, ...args],
      { stdin: env.join(''), timeoutMs: options.timeoutMs },
    );
  }

  /**
   * Runs the program with its input framed as {@link PodEngineHost.unpack}
   * frames it (exec cannot end stdin), unframed by a shell loop in front.
   */
  spawn(
    program: string,
    args: string[],
    options: { env?: Record<string, string>; signal?: AbortSignal } = {},
  ): StreamingProgram {
    const env = environmentLines(options.env);
    const script = [environmentScript(env), `${UNFRAME} | "$@"`].join('\n');
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const exited = this.podExec
      .stream(this.target, ['sh', '-c', script, 'sh', program, ...args], {
        stdin: Readable.from(afterLines(env, framed(stdin))),
        stdout,
        signal: options.signal,
        name: program,
      })
      .then(
        () => {
          stdout.end();
        },
        error => {
          stdout.destroy(error);
          throw error;
        },
      );
    return { stdin, stdout, exited };
  }

  async writeFile(relativePath: string, content: string): Promise<void> {
    await this.writeStream(this.pathOf(relativePath), Readable.from([content]));
  }

  async writeFileFrom(relativePath: string, body: Readable): Promise<void> {
    await this.writeStream(this.pathOf(relativePath), body);
  }

  async remove(relativePath: string): Promise<void> {
    await this.exec('rm', ['-rf', '--', this.pathOf(relativePath)]);
  }

  async fileExists(relativePath: string): Promise<boolean> {
    const { stdout } = await this.exec('sh', [
      '-c',
      'if [ -e "$1" ]; then echo yes; else echo no; fi',
      'sh',
      this.pathOf(relativePath),
    ]);
    return stdout.trim() === 'yes';
  }

  /**
   * Streams a gzip-compressed tar into the data directory. Its length is
   * not known in advance and exec cannot signal the end of stdin, so it is
   * sent as length-prefixed pieces that a shell loop hands to `tar`.
   */
  async unpack(body: Readable): Promise<void> {
    const script = ['set -eu', `${UNFRAME} | tar -xzf - -C "${DATA_DIR}"`].join(
      '\n',
    );
    await this.podExec.run(this.target, ['sh', '-c', script], {
      stdin: Readable.from(framed(body)),
      timeoutMs: STREAM_TIMEOUT_MS,
    });
  }

  async withPrivateDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
    const dir = `${RUN_DIR}/p${randomBytes(4).toString('hex')}`;
    await this.exec('mkdir', ['-m', '0700', '--', dir]);
    try {
      return await use(dir);
    } finally {
      await this.exec('rm', ['-rf', '--', dir]);
    }
  }

  async withSecretFile<T>(
    content: string,
    use: (path: string) => Promise<T>,
  ): Promise<T> {
    // A memory-backed directory: the secret never reaches the volume.
    const file = `${RUN_DIR}/s${randomBytes(8).toString('hex')}`;
    await this.writeStream(file, Readable.from([content]));
    try {
      return await use(file);
    } finally {
      await this.exec('rm', ['-f', '--', file]);
    }
  }

  /**
   * Writes `body` to `path` (mode 0600, its directories made), beside it
   * first and then renamed over it, so the engine never reads half a file.
   * Streamed in frames, never held whole (see {@link PodEngineHost.unpack}).
   */
  private async writeStream(path: string, body: Readable): Promise<void> {
    const script = [
      'set -eu',
      'umask 077',
      'mkdir -p "$(dirname "$1")"',
      `${UNFRAME} > "$1.tmp"`,
      'mv -f "$1.tmp" "$1"',
    ].join('\n');
    await this.podExec.run(this.target, ['sh', '-c', script, 'sh', path], {
      stdin: Readable.from(framed(body)),
      timeoutMs: STREAM_TIMEOUT_MS,
    });
  }

  private pathOf(relativePath: string): string {
    if (relativePath.split('/').includes('..')) {
      throw new Error(`Path ${relativePath} leaves the data directory`);
    }
    return `${DATA_DIR}/${relativePath}`;
  }
}

/**
 * The environment as lines of `KEY=value`, each read from stdin before the
 * program starts (see {@link environmentScript}), so that values (which may
 * be secrets) never appear in a command line.
 */
function environmentLines(env: Record<string, string> = {}): string[] {
  return Object.entries(env).map(([key, value]) => {
    if (/[\n\r]/.test(value) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new Error(`Cannot pass environment variable ${key} to a Pod`);
    }
    return `${key}=${value}\n`;
  });
}

/** Shell: exports the `lines` environment lines read from stdin. */
function environmentScript(lines: string[]): string {
  return [
    'i=0',
    `while [ "$i" -lt ${lines.length} ]; do IFS= read -r line; export "$line"; i=$((i+1)); done`,
  ].join('\n');
}

async function* afterLines(
  lines: string[],
  rest: AsyncIterable<Buffer>,
): AsyncGenerator<Buffer> {
  if (lines.length) yield Buffer.from(lines.join(''));
  yield* rest;
}

/** `<size>\n<bytes>` pieces, then `0\n`. */
async function* framed(body: Readable): AsyncGenerator<Buffer> {
  for await (const chunk of body) {
    const buffer = Buffer.from(chunk);
    for (let offset = 0; offset < buffer.length; offset += CHUNK_BYTES) {
      const piece = buffer.subarray(offset, offset + CHUNK_BYTES);
      yield Buffer.from(`${piece.length}\n`);
      yield piece;
    }
  }
  yield Buffer.from('0\n');
}
