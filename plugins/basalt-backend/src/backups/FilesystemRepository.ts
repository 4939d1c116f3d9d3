import { NotFoundError } from '@backstage/errors';
import { randomUUID } from 'crypto';
import { promises as fs } from 'fs';
import { basename, dirname, join, relative, resolve, sep } from 'path';
import { Readable } from 'stream';
import { BackupDigest } from './BackupCorruptedError';
import { BackupObject, BackupRepository } from './BackupRepository';
import { checkDigest, digestOf, RunningDigest } from './digest';
import { byKey, validateBackupKey, validateBackupPrefix } from './keys';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
// Temporary files sit beside their object until renamed; listings skip them.
const PARTIAL = /^\..+\.[0-9a-f-]{36}\.partial$/;

function isErrno(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException)?.code ?? '');
}

/** Options of {@link FilesystemRepository}. */
export interface FilesystemRepositoryOptions {
  /** The repository's root directory, created with mode 0700 when absent. */
  path: string;
}

/**
 * A backup repository in a local directory (the embedded default). Objects
 * are files with mode 0600 under directories with mode 0700.
 */
export class FilesystemRepository implements BackupRepository {
  private readonly root: string;

  static create(options: FilesystemRepositoryOptions): FilesystemRepository {
    return new FilesystemRepository(resolve(options.path));
  }

  private constructor(root: string) {
    this.root = root;
  }

  describe(): string {
    return `filesystem ${this.root}`;
  }

  async put(key: string, body: Readable): Promise<BackupDigest> {
    const target = this.pathOf(key);
    const directory = dirname(target);
    const temporary = join(
      directory,
      `.${basename(target)}.${randomUUID()}.partial`,
    );
    let handle: fs.FileHandle;
    try {
      await this.ensureDirectory(directory);
      handle = await fs.open(temporary, 'wx', FILE_MODE);
    } catch (error) {
      // Nothing will read the body: release whoever writes it.
      body.destroy();
      throw error;
    }
    let closed = false;
    try {
      const digest = await writeAll(body, handle);
      // The data must be on disk before the rename makes it visible, and the
      // rename must be on disk before we report the backup as stored.
      await handle.sync();
      await handle.close();
      closed = true;
      await fs.rename(temporary, target);
      await syncDirectory(directory);
      return digest;
    } catch (error) {
      body.destroy();
      if (!closed) {
        await handle.close().catch(() => {});
      }
      await fs.rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'r');
    } catch (error) {
      if (isErrno(error, 'ENOENT', 'ENOTDIR')) {
        throw new NotFoundError(
          `Backup object ${key} not found in ${this.describe()}`,
        );
      }
      throw error;
    }
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw new NotFoundError(
        `Backup object ${key} not found in ${this.describe()}`,
      );
    }
    // The stream closes the handle when it ends or is destroyed.
    return handle.createReadStream();
  }

  async verify(key: string, expected: BackupDigest): Promise<void> {
    checkDigest(key, expected, await digestOf(await this.get(key)));
  }

  async list(prefix: string): Promise<BackupObject[]> {
    validateBackupPrefix(prefix);
    // Walk only the deepest directory the prefix names in full.
    const start = prefix.includes('/')
      ? join(this.root, prefix.slice(0, prefix.lastIndexOf('/')))
      : this.root;
    const objects: BackupObject[] = [];
    const walk = async (directory: string) => {
      let entries;
      try {
        entries = await fs.readdir(directory, { withFileTypes: true });
      } catch (error) {
        if (isErrno(error, 'ENOENT', 'ENOTDIR')) return;
        throw error;
      }
      for (const entry of entries) {
        const path = join(directory, entry.name);
        if (entry.isDirectory()) {
          await walk(path);
          continue;
        }
        if (!entry.isFile() || PARTIAL.test(entry.name)) continue;
        const key = relative(this.root, path).split(sep).join('/');
        if (!key.startsWith(prefix)) continue;
        try {
          const stat = await fs.stat(path);
          objects.push({
            key,
            size: stat.size,
            // A Date of this realm, not the fs binding's.
            lastModified: new Date(stat.mtimeMs),
          });
        } catch (error) {
          // Deleted while we listed it.
          if (!isErrno(error, 'ENOENT')) throw error;
        }
      }
    };
    await walk(start);
    return objects.sort(byKey);
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await fs.unlink(path);
    } catch (error) {
      if (isErrno(error, 'ENOENT', 'ENOTDIR')) return;
      throw error;
    }
  }

  private pathOf(key: string): string {
    return join(this.root, validateBackupKey(key));
  }

  private async ensureDirectory(directory: string) {
    await fs.mkdir(directory, { recursive: true, mode: DIR_MODE });
  }
}

async function writeAll(
  body: Readable,
  handle: fs.FileHandle,
): Promise<BackupDigest> {
  const running = new RunningDigest();
  // Iterating awaits each write before reading on, so memory stays bounded.
  for await (const chunk of body) {
    const bytes = running.add(chunk);
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, offset);
      offset += bytesWritten;
    }
  }
  return running.result();
}

async function syncDirectory(directory: string) {
  const handle = await fs.open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
