import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads a JSON file, or returns `undefined` when it does not exist.
 */
export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

/**
 * Writes a JSON file atomically (a temporary file renamed over the old one),
 * so a crash never leaves a half-written state file behind. The file is
 * created with `mode` from the start: a secret is never readable by others,
 * not even for a moment.
 */
export async function writeJsonFile(
  file: string,
  value: unknown,
  mode: number = 0o644,
): Promise<void> {
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString('hex')}`,
  );
  try {
    await fs.writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`, {
      mode,
      flag: 'wx',
    });
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/**
 * The last `count` non-empty lines of a text file, or `''` if it cannot be
 * read. Reads only the file's end, as logs can grow large.
 */
export async function tailLines(file: string, count: number): Promise<string> {
  const window = 16 * 1024;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const { size } = await handle.stat();
    const start = Math.max(0, size - window);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return lastLines(buffer.toString('utf8'), count);
  } catch {
    return '';
  } finally {
    await handle?.close();
  }
}

/** The last `count` non-empty lines of `text`. */
export function lastLines(text: string, count: number): string {
  return text
    .split('\n')
    .map(line => line.trimEnd())
    .filter(line => line.length > 0)
    .slice(-count)
    .join('\n');
}

/** Removes `dir` and then each parent up to (not including) `stopAt` while empty. */
export async function removeDirAndEmptyParents(
  dir: string,
  stopAt: string,
): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
  let parent = path.dirname(dir);
  while (parent.startsWith(`${stopAt}${path.sep}`)) {
    try {
      await fs.rmdir(parent);
    } catch {
      return; // not empty (or already gone): stop climbing
    }
    parent = path.dirname(parent);
  }
}

/**
 * Creates `dir` unless it is there already; its parent must exist. Returns
 * whether it was created, so that the caller hands it to its owner once.
 */
export async function makeDir(dir: string, mode: number): Promise<boolean> {
  try {
    await fs.mkdir(dir, { mode });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Creates `dir` and its missing parents below `base`. Unlike a recursive
 * mkdir it never re-creates `base`: a base that vanished (a lost node's
 * directory) fails the call with ENOENT instead of coming back empty.
 */
export async function makeDirsBelow(
  base: string,
  dir: string,
  mode: number,
): Promise<void> {
  const relative = path.relative(base, dir);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new Error(`${dir} is not below ${base}`);
  }
  let current = base;
  for (const part of relative.split(path.sep).filter(Boolean)) {
    current = path.join(current, part);
    await makeDir(current, mode);
  }
}
