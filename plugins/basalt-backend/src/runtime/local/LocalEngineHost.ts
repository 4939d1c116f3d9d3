import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError } from '@backstage/errors';
import {
  EngineAddress,
  EngineHost,
  StreamingProgram,
} from '@basalt/plugin-basalt-node';
import { chownToEngineUser, EngineUser, makeEngineDir } from './engineUser';
import { lastLines } from './files';
import { niced } from '../niced';
import { signalServer } from './processes';
import { EngineCommandError, runProgram } from './runProgram';
import { spawnProgram } from './spawnProgram';

const DEFAULT_EXEC_TIMEOUT_MS = 120_000;
const PROGRAM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
// Debian has tar in both; merged-/usr systems in either.
const TAR_CANDIDATES = ['/usr/bin/tar', '/bin/tar'];
// A Unix socket's path must fit in 107 bytes; a private directory longer
// than this could not hold a server's socket (`.s.PGSQL.65535.lock`).
const MAX_PRIVATE_DIR_LENGTH = 80;

/**
 * The whole environment of engine programs and servers: minimal, so the
 * backend's own variables (and any secrets in them) stay in the backend.
 */
export function engineEnvironment(binDir: string): Record<string, string> {
  return {
    PATH: `${binDir}:/usr/local/bin:/usr/bin:/bin`,
    LANG: 'C',
    LC_ALL: 'C',
  };
}

/** Options of {@link LocalEngineHost}. */
export interface LocalEngineHostOptions {
  dataDir: string;
  /**
   * A directory outside the data directory, traversable by the engine's
   * user, where short-lived secret files are written.
   */
  scratchDir: string;
  address: EngineAddress;
  /** The directory with the engine's programs. */
  binDir: string;
  user: EngineUser;
  /** Where the engine leaves files for archiving; see EngineHost.archiveDir. */
  archiveDir?: string;
  /** Stops the programs run through this host (see InstanceRequest.signal). */
  signal?: AbortSignal;
  /** Runs them at background priority (see InstanceRequest.background). */
  background?: boolean;
}

/**
 * The {@link @basalt/plugin-basalt-node#EngineHost} of one local instance:
 * runs the engine's programs from its bin directory as the engine's user
 * and writes files that user owns.
 */
export class LocalEngineHost implements EngineHost {
  readonly dataDir: string;
  readonly address: EngineAddress;
  readonly archiveDir?: string;

  constructor(private readonly options: LocalEngineHostOptions) {
    this.dataDir = options.dataDir;
    this.address = options.address;
    this.archiveDir = options.archiveDir;
  }

  binary(name: string): string {
    if (!PROGRAM_NAME.test(name)) {
      throw new InputError(`Invalid engine program name '${name}'`);
    }
    return path.join(this.options.binDir, name);
  }

  exec(
    program: string,
    args: string[],
    options?: { env?: Record<string, string>; timeoutMs?: number },
  ): Promise<{ stdout: string; stderr: string }> {
    return runProgram({
      file: this.binary(program),
      args,
      cwd: this.dataDir,
      env: { ...engineEnvironment(this.options.binDir), ...options?.env },
      user: this.options.user,
      timeoutMs: options?.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
      signal: this.options.signal,
      background: this.options.background,
    });
  }

  spawn(
    program: string,
    args: string[],
    options?: { env?: Record<string, string>; signal?: AbortSignal },
  ): StreamingProgram {
    const signals = [this.options.signal, options?.signal].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    return spawnProgram({
      file: this.binary(program),
      args,
      cwd: this.dataDir,
      env: { ...engineEnvironment(this.options.binDir), ...options?.env },
      user: this.options.user,
      signal: signals.length ? AbortSignal.any(signals) : undefined,
      background: this.options.background,
    });
  }

  async fileExists(relativePath: string): Promise<boolean> {
    const file = this.inDataDir(relativePath, 'read');
    return fs.access(file).then(
      () => true,
      () => false,
    );
  }

  async writeFile(relativePath: string, content: string): Promise<void> {
    const file = this.inDataDir(relativePath, 'write');
    // Written beside and renamed over: the engine never reads half a file.
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await fs.writeFile(temporary, content, { mode: 0o600, flag: 'wx' });
      await chownToEngineUser(temporary, this.options.user);
      await fs.rename(temporary, file);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
  }

  async withSecretFile<T>(
    content: string,
    use: (path: string) => Promise<T>,
  ): Promise<T> {
    const file = path.join(
      this.options.scratchDir,
      `.secret-${randomBytes(8).toString('hex')}`,
    );
    try {
      // Created 0600 from the start and only then handed to the engine user.
      await fs.writeFile(file, content, { mode: 0o600, flag: 'wx' });
      await chownToEngineUser(file, this.options.user);
      return await use(file);
    } finally {
      await fs.rm(file, { force: true });
    }
  }

  async writeFileFrom(relativePath: string, body: Readable): Promise<void> {
    const file = this.inDataDir(relativePath, 'write');
    await this.ensureDirectories(path.dirname(file));
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      // The stream closes the file when it finishes or fails.
      const out = (await fs.open(temporary, 'wx', 0o600)).createWriteStream();
      await chownToEngineUser(temporary, this.options.user).catch(error => {
        out.destroy();
        throw error;
      });
      await pipeline(body, out);
      await fs.rename(temporary, file);
    } catch (error) {
      body.destroy();
      await fs.rm(temporary, { force: true });
      throw error;
    }
  }

  async remove(relativePath: string): Promise<void> {
    await fs.rm(this.inDataDir(relativePath, 'write'), {
      recursive: true,
      force: true,
    });
  }

  unpack(body: Readable): Promise<void> {
    return unpackInto(this.dataDir, body, this.options);
  }

  async withPrivateDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
    const name = `.p-${randomBytes(4).toString('hex')}`;
    let dir = path.join(this.options.scratchDir, name);
    if (dir.length > MAX_PRIVATE_DIR_LENGTH) {
      // A deep root directory: fall back to the system's, which is short.
      dir = path.join(os.tmpdir(), `basalt-${name.slice(1)}`);
    }
    await fs.mkdir(dir, { mode: 0o700 });
    try {
      await chownToEngineUser(dir, this.options.user);
      return await use(dir);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Creates `dir` and its missing parents inside the data directory, each
   * 0700 and owned by the engine's user.
   */
  private async ensureDirectories(dir: string): Promise<void> {
    if (dir === this.dataDir) return;
    const exists = await fs.stat(dir).then(
      stat => stat.isDirectory(),
      () => false,
    );
    if (exists) return;
    await this.ensureDirectories(path.dirname(dir));
    await makeEngineDir(dir, this.options.user);
  }

  /** The absolute path of a file in the data directory, never outside it. */
  private inDataDir(relativePath: string, verb: 'read' | 'write'): string {
    const file = path.resolve(this.dataDir, relativePath);
    if (!file.startsWith(`${this.dataDir}${path.sep}`)) {
      throw new InputError(
        `Refusing to ${verb} '${relativePath}' outside the data directory`,
      );
    }
    return file;
  }
}

/**
 * Unpacks a gzip-compressed tar from `body` into `dir` with tar, run as the
 * engine's user so that everything unpacked is the engine's, whatever the
 * archive says (`--no-same-owner`). Rejects with `body`'s error when it
 * fails or `signal` fires (tar is then killed, even if it had finished: an
 * archive that fails its check at its end must not count), or with tar's
 * when it does; resolves only once tar has exited.
 */
async function unpackInto(
  dir: string,
  body: Readable,
  options: { user: EngineUser; signal?: AbortSignal; background?: boolean },
): Promise<void> {
  const { user, signal } = options;
  const tar = await findTar();
  const [file, args] = niced(
    tar,
    ['-xzf', '-', '-C', dir, '--no-same-owner'],
    options.background,
  );
  const child = spawn(file, args, {
    cwd: dir,
    env: { PATH: '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' },
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
    ...(user.switched ? { uid: user.uid, gid: user.gid } : {}),
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-64 * 1024);
  });
  const exited = new Promise<{ code: number | null; error?: Error }>(
    resolve => {
      child.once('error', error => resolve({ code: null, error }));
      child.once('close', code => resolve({ code }));
    },
  );
  let bodyError: unknown;
  try {
    await pipeline(body, child.stdin!, ...(signal ? [{ signal }] : []));
  } catch (error) {
    // EPIPE: tar stopped reading; its exit status says why.
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') {
      bodyError = error;
      if (child.pid) signalServer(child.pid, 'SIGKILL', true);
    }
  }
  const { code, error } = await exited;
  if (bodyError) throw bodyError;
  if (error || code !== 0) {
    const tail = lastLines(stderr, 10);
    throw new EngineCommandError(
      `tar could not unpack the archive (${
        error ? error.message : `exit code ${code}`
      })${tail ? `; last lines of its output:\n${tail}` : ''}`,
      error,
    );
  }
}

async function findTar(): Promise<string> {
  for (const candidate of TAR_CANDIDATES) {
    const found = await fs.access(candidate, fs.constants.X_OK).then(
      () => true,
      () => false,
    );
    if (found) return candidate;
  }
  throw new EngineCommandError(
    `tar was not found (looked for ${TAR_CANDIDATES.join(', ')})`,
  );
}
