import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Host paths every node bind-mounts a private directory onto (in its own
 * mount namespace, see `KubeNode`): the mount points must exist on the host.
 * Those that did not are removed again.
 */
const MOUNT_POINTS = ['/var/lib/kubelet', '/run/containerd'];

const CGROUP_ROOT = '/sys/fs/cgroup';

/**
 * The mount points the data plane created, kept in a file so that a run
 * that died before removing them is cleaned up by the next one.
 */
interface SavedHostState {
  createdMountPoints: string[];
}

const SAVED_STATE = path.join(os.tmpdir(), 'basalt-kube-host-state.json');

/**
 * Creates the mount points the nodes need; {@link restoreHost} removes
 * them again. Call under the machine lock (only one data plane changes the
 * host at a time).
 */
export async function prepareHost(): Promise<void> {
  if (await readSaved()) {
    await restoreHost();
  }
  const createdMountPoints: string[] = [];
  for (const mountPoint of MOUNT_POINTS) {
    if (!(await exists(mountPoint))) {
      await fs.mkdir(mountPoint, { recursive: true });
      createdMountPoints.push(mountPoint);
    }
  }
  const saved: SavedHostState = { createdMountPoints };
  await fs.writeFile(SAVED_STATE, JSON.stringify(saved), { mode: 0o600 });
}

/** Undoes what {@link prepareHost} recorded; a no-op when nothing is. */
export async function restoreHost(): Promise<void> {
  const saved = await readSaved();
  if (!saved) return;
  // Only the empty directory: nothing of the nodes is ever written on the
  // host's side of their mounts.
  for (const mountPoint of saved.createdMountPoints) {
    await fs.rmdir(mountPoint).catch(() => {});
  }
  await fs.rm(SAVED_STATE, { force: true });
}

/**
 * Creates the cgroup `name` in every hierarchy: a kubelet's `--cgroup-root`
 * must exist before it starts.
 */
export async function createCgroup(name: string): Promise<void> {
  for (const hierarchy of await cgroupHierarchies()) {
    await fs.mkdir(path.join(hierarchy, name), { recursive: true });
  }
}

/**
 * Removes the cgroup `name` and everything below it in every hierarchy,
 * deepest first. A cgroup that still holds a process cannot be removed:
 * that is an error, as the process should not be running, unless `kill`
 * says to kill what is left (a crashed run's containers).
 */
export async function removeCgroup(
  name: string,
  options: { kill?: boolean } = {},
): Promise<void> {
  for (const hierarchy of await cgroupHierarchies()) {
    if (options.kill) await killProcessesIn(path.join(hierarchy, name));
    await removeCgroupTree(path.join(hierarchy, name));
  }
}

/** SIGKILLs every process in the cgroup tree at `dir`. */
async function killProcessesIn(dir: string): Promise<void> {
  const children = await childCgroups(dir);
  if (!children) return;
  const procs = await fs.readFile(path.join(dir, 'cgroup.procs'), 'utf8');
  for (const pid of procs.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  for (const child of children) await killProcessesIn(child);
}

async function removeCgroupTree(dir: string): Promise<void> {
  const children = await childCgroups(dir);
  if (!children) return;
  for (const child of children) await removeCgroupTree(child);
  await waitUntilEmpty(dir);
  await fs.rmdir(dir);
}

/** The cgroups directly below `dir`, or undefined when it does not exist. */
async function childCgroups(dir: string): Promise<string[] | undefined> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries
      .filter(entry => entry.isDirectory())
      .map(entry => path.join(dir, entry.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Resolves once the cgroup holds no process: processes the kernel killed
 * (a node's PID namespace ending) leave their cgroups a moment later.
 */
async function waitUntilEmpty(dir: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const procs = path.join(dir, 'cgroup.procs');
  while ((await fs.readFile(procs, 'utf8')).trim() !== '') {
    if (Date.now() > deadline) {
      throw new Error(`Processes are still running in cgroup ${dir}`);
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/** The cgroups whose names start with `prefix`, e.g. a crashed run's. */
export async function cgroupsNamed(prefix: string): Promise<string[]> {
  const names = new Set<string>();
  for (const hierarchy of await cgroupHierarchies()) {
    for (const entry of await fs.readdir(hierarchy, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name.startsWith(prefix)) {
        names.add(entry.name);
      }
    }
  }
  return [...names];
}

/** The root directory of each mounted cgroup hierarchy (v1 and v2). */
async function cgroupHierarchies(): Promise<string[]> {
  if (await exists(path.join(CGROUP_ROOT, 'cgroup.procs'))) {
    return [CGROUP_ROOT];
  }
  const roots = new Set<string>();
  for (const entry of await fs.readdir(CGROUP_ROOT)) {
    const dir = await fs.realpath(path.join(CGROUP_ROOT, entry));
    if (await exists(path.join(dir, 'cgroup.procs'))) roots.add(dir);
  }
  return [...roots];
}

async function readSaved(): Promise<SavedHostState | undefined> {
  try {
    return JSON.parse(await fs.readFile(SAVED_STATE, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
