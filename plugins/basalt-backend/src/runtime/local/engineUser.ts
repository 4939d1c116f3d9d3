import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '@backstage/errors';
import { EngineUnavailableError } from '@basalt/plugin-basalt-node';
import { makeDir } from './files';

const execFileAsync = promisify(execFile);

/**
 * The operating-system user engine programs and servers run as.
 */
export interface EngineUser {
  name: string;
  uid: number;
  gid: number;
  /**
   * The backend runs as root and switches to this user for every engine
   * process; files the engine owns must be chowned to it.
   */
  switched: boolean;
}

/**
 * Resolves the user engines run as. Engines such as PostgreSQL refuse to run
 * as root, so when the backend is root they run as `name` (an unprivileged
 * account); otherwise they run as the backend's own user.
 */
export async function resolveEngineUser(name: string): Promise<EngineUser> {
  const { uid, gid, username } = os.userInfo();
  if (uid !== 0) {
    return { name: username, uid, gid, switched: false };
  }
  const [userId, groupId] = await Promise.all([
    idOf(name, '-u'),
    idOf(name, '-g'),
  ]);
  if (userId === 0) {
    throw new InputError(
      `The local runtime's engine user must not be root, got '${name}'`,
    );
  }
  return { name, uid: userId, gid: groupId, switched: true };
}

/** Gives a file or directory to the engine's user (when it is not ours). */
export async function chownToEngineUser(
  file: string,
  user: EngineUser,
): Promise<void> {
  if (user.switched) {
    await fs.chown(file, user.uid, user.gid);
  }
}

/**
 * Creates a directory only the engine's user may enter (0700, theirs),
 * unless it is there already; its parent must exist.
 */
export async function makeEngineDir(
  dir: string,
  user: EngineUser,
): Promise<void> {
  if (await makeDir(dir, 0o700)) {
    await chownToEngineUser(dir, user);
  }
}

async function idOf(name: string, flag: '-u' | '-g'): Promise<number> {
  try {
    const { stdout } = await execFileAsync('id', [flag, name]);
    return Number.parseInt(stdout.trim(), 10);
  } catch (error) {
    throw new InputError(
      `The local runtime's engine user '${name}' does not exist on this host`,
      error,
    );
  }
}

/**
 * Checks that the engine's user can reach `dir` (search permission on it and
 * every directory above it), so engines can open their data directories.
 * Decided from the directories' modes, as the kernel would for that user.
 */
export async function checkEngineUserCanReach(
  dir: string,
  user: EngineUser,
): Promise<void> {
  if (!user.switched) return;
  let current = path.resolve(dir);
  for (;;) {
    const stat = await fs.stat(current).catch(() => undefined);
    if (stat) {
      let bit = 0o001;
      if (stat.uid === user.uid) bit = 0o100;
      else if (stat.gid === user.gid) bit = 0o010;
      if (!(stat.mode & bit)) {
        throw new EngineUnavailableError(
          `The engine user '${
            user.name
          }' cannot reach ${dir}: ${current} (mode ${(
            stat.mode & 0o777
          ).toString(
            8,
          )}) does not let it in; set basalt.runtimes.local.rootDir to a directory it can reach, or allow it through with chmod o+x ${current}`,
        );
      }
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}
