import { execFile } from 'child_process';
import { readdir, readFile, realpath, rmdir } from 'fs/promises';
import { join, resolve } from 'path';
import { promisify } from 'util';
import { throttleGroupName } from '../runtime/local/InstanceVolumes';

const execFileAsync = promisify(execFile);

// Where the local runtime's blkio throttle groups and cpu and memory
// resource groups live (cgroup v1).
const THROTTLE_ROOT = '/sys/fs/cgroup/blkio/basalt';
const RESOURCE_ROOTS = [
  '/sys/fs/cgroup/cpu/basalt',
  '/sys/fs/cgroup/memory/basalt',
];

/**
 * Releases what a local runtime under `dir` holds outside the directory
 * tree, so that the tree can be removed and nothing is left on the host:
 * unmounts every mount below `dir` (loop-mounted volumes first), detaches
 * every loop device whose image is below `dir`, and removes the blkio
 * throttle groups its instances' records name and the instances' cpu and
 * memory groups. Kill the servers first
 * (see `killProcessesUnder`): mounts and groups in use cannot be released.
 * Everything already gone counts as done; failures are collected and the
 * first is thrown once everything else has been tried.
 */
export async function releaseVolumesUnder(dir: string): Promise<void> {
  const root = await realpath(dir).catch(() => resolve(dir));
  const errors: unknown[] = [];
  const attempt = (step: Promise<unknown>) =>
    step.catch(error => errors.push(error));
  const { throttle, resources } = await groupsUnder(root);
  const mounts = await mountsUnder(root);
  // Volumes before the filesystems their images may live on (a test's pool).
  for (const mount of mounts.filter(m => m.source.startsWith('/dev/loop'))) {
    await attempt(unmount(mount.mountPoint));
  }
  for (const device of await loopDevicesUnder(root)) {
    await attempt(execFileAsync('losetup', ['--detach', device]));
  }
  for (const mount of mounts.filter(m => !m.source.startsWith('/dev/loop'))) {
    await attempt(unmount(mount.mountPoint));
  }
  for (const group of throttle) {
    await attempt(removeGroup(join(THROTTLE_ROOT, group)));
  }
  for (const group of resources) {
    for (const controllerRoot of RESOURCE_ROOTS) {
      await attempt(removeGroup(join(controllerRoot, group)));
    }
  }
  if (errors.length > 0) throw errors[0];
}

interface Mount {
  mountPoint: string;
  source: string;
}

/** Mounts at or below `root`, deepest first; see proc(5) for the format. */
async function mountsUnder(root: string): Promise<Mount[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const unescape = (field: string) =>
    field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
      String.fromCharCode(parseInt(octal, 8)),
    );
  return text
    .split('\n')
    .filter(line => line.length > 0)
    .map(line => {
      const [before, after] = line.split(' - ');
      return {
        mountPoint: unescape(before.split(' ')[4]),
        source: unescape(after.split(' ')[1]),
      };
    })
    .filter(m => m.mountPoint === root || m.mountPoint.startsWith(`${root}/`))
    .reverse();
}

/** Loop devices whose backing file is below `root`, deleted or not. */
async function loopDevicesUnder(root: string): Promise<string[]> {
  const { stdout } = await execFileAsync('losetup', [
    '--list',
    '--noheadings',
    '--raw',
    '--output',
    'NAME,BACK-FILE',
  ]).catch(error => {
    // No losetup, no loop devices: nothing of ours to detach.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { stdout: '' };
    }
    throw error;
  });
  return stdout
    .split('\n')
    .map(line => /^(\S+) (.*?)(?: \(deleted\))?$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => !!match)
    .filter(([, , file]) => file.startsWith(`${root}/`))
    .map(([, device]) => device);
}

async function unmount(mountPoint: string): Promise<void> {
  try {
    await execFileAsync('umount', [mountPoint]);
  } catch {
    // Still busy (a process outside `dir` has a file open there): detach
    // it now, the kernel finishes once it is no longer used.
    await execFileAsync('umount', ['--lazy', mountPoint]);
  }
}

/**
 * The throttle groups named in the instance records below `root`, and the
 * resource groups of those instances (named like a throttle group, whether
 * the instance has a volume or not).
 */
async function groupsUnder(
  root: string,
): Promise<{ throttle: string[]; resources: string[] }> {
  const groups: string[] = [];
  const resources: string[] = [];
  const visit = async (current: string, depth: number): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true }).catch(
      () => [],
    );
    for (const entry of entries) {
      const file = join(current, entry.name);
      if (entry.isFile() && entry.name === 'instance.json') {
        const record = await readFile(file, 'utf8')
          .then(text => JSON.parse(text))
          .catch(() => undefined);
        const group = record?.volume?.throttleGroup;
        if (typeof group === 'string' && /^[a-z0-9][a-z0-9_.-]*$/.test(group))
          groups.push(group);
        if (record?.cluster?.uid && typeof record.instance === 'string') {
          resources.push(throttleGroupName(record.cluster, record.instance));
        }
      } else if (entry.isDirectory() && depth < 8 && entry.name !== 'volume') {
        await visit(file, depth + 1);
      }
    }
  };
  await visit(root, 0);
  return { throttle: groups, resources };
}

/**
 * Removes a cgroup once its last process has left; gone counts as done.
 * Processes still in it are killed (a backend its postmaster's killer did
 * not match), and a loaded machine gets up to 30 s to let them exit.
 */
async function removeGroup(group: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rmdir(group);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || attempt >= 300) throw error;
      await killMembers(group);
      await new Promise(done => setTimeout(done, 100));
    }
  }
}

async function killMembers(group: string): Promise<void> {
  const pids = await readFile(join(group, 'cgroup.procs'), 'utf8').catch(
    () => '',
  );
  for (const pid of pids.split('\n').filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
