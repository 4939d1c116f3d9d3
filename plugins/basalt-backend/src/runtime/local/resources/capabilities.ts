import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ResourceEnforcement } from '@basalt/plugin-basalt-node';
import { TOOL_PATH } from '../volumes/runTool';

/** Where the cgroup v1 cpu controller is mounted. */
export const CPU_ROOT = '/sys/fs/cgroup/cpu';
/** Where the cgroup v1 memory controller is mounted. */
export const MEMORY_ROOT = '/sys/fs/cgroup/memory';

/** What {@link detectResourceCapabilities} looks at; each part can be replaced in tests. */
export interface ResourceProbe {
  platform: NodeJS.Platform;
  /** The backend's user id; `undefined` where the platform has none. */
  uid: number | undefined;
  hasCommand(name: string): Promise<boolean>;
  /** Whether the backend may write the file (a cgroup's control file). */
  canWrite(file: string): Promise<boolean>;
}

const defaultProbe: ResourceProbe = {
  platform: process.platform,
  uid: process.getuid?.(),
  async hasCommand(name) {
    for (const dir of TOOL_PATH.split(':')) {
      if (await canAccess(path.join(dir, name), constants.X_OK)) return true;
    }
    return false;
  },
  canWrite: file => canAccess(file, constants.W_OK),
};

async function canAccess(file: string, mode: number): Promise<boolean> {
  try {
    await fs.access(file, mode);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether CPU and memory limits can be enforced on this host with cgroup v1
 * (this kernel's v2 hierarchy has neither controller), reporting every
 * missing requirement at once. Prefer {@link resourceCapabilities}, which
 * checks only once per process.
 */
export async function detectResourceCapabilities(
  overrides: Partial<ResourceProbe> = {},
): Promise<ResourceEnforcement> {
  const probe = { ...defaultProbe, ...overrides };
  if (probe.platform !== 'linux') {
    return {
      enforced: false,
      reason: `CPU and memory limits need Linux, this host runs ${probe.platform}`,
    };
  }
  const missing: string[] = [];
  if (probe.uid !== 0) {
    missing.push(`not running as root (uid ${probe.uid ?? 'unknown'})`);
  }
  // Starts a limited server as its engine user (ResourceLimits.wrapCommand).
  if (!(await probe.hasCommand('setpriv'))) {
    missing.push('setpriv is not installed');
  }
  const controllers = [
    [CPU_ROOT, 'cpu', 'cpu.cfs_quota_us'],
    [MEMORY_ROOT, 'memory', 'memory.limit_in_bytes'],
  ];
  for (const [root, name, file] of controllers) {
    if (!(await probe.canWrite(path.join(root, file)))) {
      missing.push(
        `the cgroup v1 ${name} controller is not mounted writable at ${root}`,
      );
    }
  }
  return missing.length === 0
    ? { enforced: true }
    : { enforced: false, reason: missing.join('; ') };
}

let detected: Promise<ResourceEnforcement> | undefined;

/** {@link detectResourceCapabilities} for this host, checked once per process. */
export function resourceCapabilities(): Promise<ResourceEnforcement> {
  detected ??= detectResourceCapabilities();
  return detected;
}
