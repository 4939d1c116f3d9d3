import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { EngineAddress, EngineHost } from '@basalt/plugin-basalt-node';
import { chownToEngineUser, EngineUser } from './engineUser';
import { runProgram } from './runProgram';

const DEFAULT_EXEC_TIMEOUT_MS = 120_000;
const PROGRAM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

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
}

/**
 * The {@link @basalt/plugin-basalt-node#EngineHost} of one local instance:
 * runs the engine's programs from its bin directory as the engine's user
 * and writes files that user owns.
 */
export class LocalEngineHost implements EngineHost {
  readonly dataDir: string;
  readonly address: EngineAddress;

  constructor(private readonly options: LocalEngineHostOptions) {
    this.dataDir = options.dataDir;
    this.address = options.address;
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
