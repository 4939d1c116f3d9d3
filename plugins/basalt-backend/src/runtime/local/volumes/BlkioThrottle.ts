import fs from 'node:fs/promises';
import path from 'node:path';
import { ConflictError, InputError } from '@backstage/errors';
import { BLKIO_ROOT } from './capabilities';
import { deviceNumberOf } from './mounts';

/**
 * I/O limits for one device; an absent limit means unlimited. Enforcement is
 * exact for direct or fsynced writes (what databases do); buffered writes
 * are throttled only when the kernel flushes them, by its own writeback
 * threads outside the cgroup.
 */
export interface BlkioLimits {
  readBytesPerSecond?: number;
  writeBytesPerSecond?: number;
  readIopsPerSecond?: number;
  writeIopsPerSecond?: number;
}

const LIMIT_FILES: Record<keyof BlkioLimits, string> = {
  readBytesPerSecond: 'blkio.throttle.read_bps_device',
  writeBytesPerSecond: 'blkio.throttle.write_bps_device',
  readIopsPerSecond: 'blkio.throttle.read_iops_device',
  writeIopsPerSecond: 'blkio.throttle.write_iops_device',
};

// Names become directory names under the cgroup tree: nothing that could
// climb out of it.
const NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,127}$/;

/**
 * A cgroup v1 blkio group that throttles one instance's I/O on its volume's
 * loop device: `<BLKIO_ROOT>/basalt/<name>`. Processes put in it, and every
 * child they fork afterwards, are held to the limits.
 */
export class BlkioThrottle {
  /** The cgroup's directory. */
  readonly path: string;

  private constructor(path_: string) {
    this.path = path_;
  }

  /**
   * The throttle group for `name`, created when missing. `root` is the blkio
   * hierarchy's mount point (default {@link BLKIO_ROOT}).
   */
  static async ensure(options: {
    name: string;
    root?: string;
  }): Promise<BlkioThrottle> {
    if (!NAME_PATTERN.test(options.name)) {
      throw new InputError(
        `Invalid throttle group name '${options.name}': use lowercase letters, digits, '.', '_' and '-'`,
      );
    }
    const dir = path.join(options.root ?? BLKIO_ROOT, 'basalt', options.name);
    await fs.mkdir(dir, { recursive: true });
    return new BlkioThrottle(dir);
  }

  /**
   * Sets the limits for `device` (e.g. `/dev/loop3`). Every limit is
   * written, absent ones as 0 (which removes the rule), so calling it again
   * with the same limits changes nothing and with fewer limits drops the rest.
   */
  async setLimits(device: string, limits: BlkioLimits): Promise<void> {
    const deviceNumber = await deviceNumberOf(device);
    for (const [key, file] of Object.entries(LIMIT_FILES)) {
      const limit = limits[key as keyof BlkioLimits] ?? 0;
      if (!Number.isSafeInteger(limit) || limit < 0) {
        throw new InputError(
          `Invalid ${key} for ${this.path}: ${limit}, expected a whole number >= 0`,
        );
      }
      await fs.writeFile(
        path.join(this.path, file),
        `${deviceNumber} ${limit}\n`,
      );
    }
  }

  /** The limits in force, as the kernel reports them, keyed by `major:minor`. */
  async readLimits(): Promise<Record<string, BlkioLimits>> {
    const result: Record<string, BlkioLimits> = {};
    for (const [key, file] of Object.entries(LIMIT_FILES)) {
      const text = await fs.readFile(path.join(this.path, file), 'utf8');
      for (const line of text.split('\n').filter(Boolean)) {
        const [deviceNumber, limit] = line.split(' ');
        result[deviceNumber] = {
          ...result[deviceNumber],
          [key]: Number(limit),
        };
      }
    }
    return result;
  }

  /**
   * Moves a running process into the group. Only its I/O from now on is
   * throttled, and only children it forks afterwards inherit the group: to
   * throttle a server from its first write use {@link BlkioThrottle.wrapCommand}.
   */
  async addProcess(pid: number): Promise<void> {
    await fs.writeFile(path.join(this.path, 'cgroup.procs'), `${pid}\n`);
  }

  /** The processes in the group. */
  async processes(): Promise<number[]> {
    const text = await fs.readFile(
      path.join(this.path, 'cgroup.procs'),
      'utf8',
    );
    return text.split('\n').filter(Boolean).map(Number);
  }

  /**
   * A command line that joins the group and then becomes `file args…`
   * (through `exec`, so the pid is the program's own), so the program and
   * all its children are throttled from their first write. With `user`, the
   * program runs as that user through setpriv: spawn the command line as
   * root then, since only root may write to the group's `cgroup.procs`.
   */
  wrapCommand(
    file: string,
    args: string[],
    user?: { uid: number; gid: number },
  ): { file: string; args: string[] } {
    const switchUser = user
      ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`].concat([
          '--clear-groups',
          '--',
        ])
      : [];
    return {
      file: '/bin/sh',
      args: [
        '-c',
        'echo $$ > "$0" && exec "$@"',
        path.join(this.path, 'cgroup.procs'),
        ...switchUser,
        file,
        ...args,
      ],
    };
  }

  /**
   * Removes the group; already gone counts as done. Fails while processes are
   * still in it, as the kernel refuses to remove a group in use.
   */
  async remove(): Promise<void> {
    try {
      await fs.rmdir(this.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code === 'EBUSY') {
        throw new ConflictError(
          `Cannot remove throttle group ${this.path}: processes ${(
            await this.processes()
          ).join(', ')} are still in it`,
        );
      }
      throw error;
    }
  }
}
