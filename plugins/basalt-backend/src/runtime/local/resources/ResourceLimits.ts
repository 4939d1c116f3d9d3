import fs from 'node:fs/promises';
import path from 'node:path';
import { ConflictError, InputError } from '@backstage/errors';
import { InstanceResources } from '@basalt/plugin-basalt-node';
import { CPU_ROOT, MEMORY_ROOT } from './capabilities';

// Names become directory names under the cgroup trees: nothing that could
// climb out of them.
const NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,127}$/;

/**
 * The scheduler period the CPU quota is a share of: the kernel's default,
 * 100 ms, short enough that a throttled server stalls for at most that.
 */
const CFS_PERIOD_US = 100_000;
/** The smallest quota the kernel accepts (1 ms). */
const MIN_CFS_QUOTA_US = 1000;

/** The limits in force, as the kernel reports them. */
export interface AppliedLimits {
  /** `cpu.cfs_quota_us`, -1 for none. */
  cpuQuotaMicros: number;
  /** `cpu.cfs_period_us`. */
  cpuPeriodMicros: number;
  /** `memory.limit_in_bytes`; the kernel's "unlimited" is a huge number. */
  memoryBytes: number;
}

/**
 * One instance's cgroup v1 `cpu` and `memory` groups, both named
 * `basalt/<name>` under their controllers' mount points. A process put in
 * them, and every child it forks afterwards, shares the CPU quota and the
 * memory limit; the kernel reclaims, then kills inside the group when it
 * runs out of memory, not elsewhere on the host.
 */
export class ResourceLimits {
  /** The groups' directories: the cpu group's, then the memory group's. */
  readonly paths: { cpu: string; memory: string };

  private constructor(paths: { cpu: string; memory: string }) {
    this.paths = paths;
  }

  /**
   * The groups for `name`, created when missing. The roots are the
   * controllers' mount points (default {@link CPU_ROOT}, {@link MEMORY_ROOT}).
   */
  static async ensure(options: {
    name: string;
    cpuRoot?: string;
    memoryRoot?: string;
  }): Promise<ResourceLimits> {
    const limits = ResourceLimits.of(options);
    for (const dir of Object.values(limits.paths)) {
      await fs.mkdir(dir, { recursive: true });
    }
    return limits;
  }

  /** The groups for `name`, without creating them (to remove them). */
  static of(options: {
    name: string;
    cpuRoot?: string;
    memoryRoot?: string;
  }): ResourceLimits {
    if (!NAME_PATTERN.test(options.name)) {
      throw new InputError(
        `Invalid resource group name '${options.name}': use lowercase letters, digits, '.', '_' and '-'`,
      );
    }
    return new ResourceLimits({
      cpu: path.join(options.cpuRoot ?? CPU_ROOT, 'basalt', options.name),
      memory: path.join(
        options.memoryRoot ?? MEMORY_ROOT,
        'basalt',
        options.name,
      ),
    });
  }

  /**
   * Sets the CPU quota (`cpuMillis` thousandths of a core per period) and
   * the memory limit. Writing the same limits again changes nothing. A
   * memory limit below what the group already uses is refused by the
   * kernel (EBUSY): set limits before the server starts.
   */
  async setLimits(resources: InstanceResources): Promise<void> {
    const { cpuMillis, memoryBytes } = resources;
    for (const [key, value] of Object.entries(resources)) {
      if (!Number.isSafeInteger(value) || value <= 0) {
        throw new InputError(
          `Invalid ${key} for resource group ${this.paths.cpu}: ${value}, expected a whole number > 0`,
        );
      }
    }
    const quota = Math.max(
      MIN_CFS_QUOTA_US,
      Math.round((cpuMillis * CFS_PERIOD_US) / 1000),
    );
    await this.write('cpu', 'cpu.cfs_period_us', CFS_PERIOD_US);
    await this.write('cpu', 'cpu.cfs_quota_us', quota);
    await this.write('memory', 'memory.limit_in_bytes', memoryBytes);
  }

  /** The limits in force, as the kernel reports them. */
  async readLimits(): Promise<AppliedLimits> {
    return {
      cpuQuotaMicros: await this.read('cpu', 'cpu.cfs_quota_us'),
      cpuPeriodMicros: await this.read('cpu', 'cpu.cfs_period_us'),
      memoryBytes: await this.read('memory', 'memory.limit_in_bytes'),
    };
  }

  /** The processes in each group. */
  async processes(): Promise<{ cpu: number[]; memory: number[] }> {
    return {
      cpu: await processesIn(this.paths.cpu),
      memory: await processesIn(this.paths.memory),
    };
  }

  /**
   * A command line that joins both groups and then becomes `file args…`
   * (through `exec`, so the pid is the program's own), so the program and
   * all its children are limited from their first instruction. With
   * `user`, the program runs as that user through setpriv: spawn the
   * command line as root then, since only root may write to the groups'
   * `cgroup.procs`. `file` may itself be such a wrapper (a volume's
   * throttle group's): the pid stays the same through every `exec`.
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
        'echo $$ > "$0" && echo $$ > "$1" && shift && exec "$@"',
        path.join(this.paths.cpu, 'cgroup.procs'),
        path.join(this.paths.memory, 'cgroup.procs'),
        ...switchUser,
        file,
        ...args,
      ],
    };
  }

  /**
   * Removes both groups; already gone counts as done. Fails with
   * {@link ConflictError} while processes are still in one, as the kernel
   * refuses to remove a group in use.
   */
  async remove(): Promise<void> {
    for (const dir of Object.values(this.paths)) {
      try {
        await fs.rmdir(dir);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') continue;
        if (code === 'EBUSY') {
          throw new ConflictError(
            `Cannot remove resource group ${dir}: processes ${(
              await processesIn(dir)
            ).join(', ')} are still in it`,
          );
        }
        throw error;
      }
    }
  }

  private async write(
    controller: keyof ResourceLimits['paths'],
    file: string,
    value: number,
  ): Promise<void> {
    await fs.writeFile(path.join(this.paths[controller], file), `${value}\n`);
  }

  private async read(
    controller: keyof ResourceLimits['paths'],
    file: string,
  ): Promise<number> {
    const text = await fs.readFile(
      path.join(this.paths[controller], file),
      'utf8',
    );
    return Number(text.trim());
  }
}

async function processesIn(dir: string): Promise<number[]> {
  const text = await fs.readFile(path.join(dir, 'cgroup.procs'), 'utf8');
  return text.split('\n').filter(Boolean).map(Number);
}
