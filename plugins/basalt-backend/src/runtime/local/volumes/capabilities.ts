import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { TOOL_PATH } from './runTool';

/**
 * Whether hard volume limits (capacity and I/O throughput) can be enforced on
 * this host. When they cannot, `reason` says why in plain words, for the
 * caller to show as a condition: limits are never dropped silently.
 */
export type VolumeCapabilities =
  | { enforced: true }
  | { enforced: false; reason: string };

/** What {@link detectVolumeCapabilities} looks at; each part can be replaced in tests. */
export interface CapabilityProbe {
  platform: NodeJS.Platform;
  /** The backend's user id; `undefined` where the platform has none. */
  uid: number | undefined;
  hasCommand(name: string): Promise<boolean>;
  hasPath(file: string): Promise<boolean>;
  /** The effective capability set (CapEff), `undefined` if unknown. */
  effectiveCapabilities(): Promise<bigint | undefined>;
}

// Mounting, loop devices, xfs_growfs and cgroup writes all need it; a
// container's root may lack it.
const CAP_SYS_ADMIN = 21n;

/**
 * The programs the volume steps run. Volumes are xfs: ext4's resize2fs would
 * also grow them online, but only with CAP_SYS_RESOURCE, which containers
 * commonly drop; xfs_growfs needs CAP_SYS_ADMIN, which mounting needs anyway.
 * On Debian, xfsprogs is not installed by default.
 */
export const REQUIRED_COMMANDS = [
  'losetup',
  'mount',
  'umount',
  'blkid',
  'mkfs.xfs',
  'xfs_growfs',
  // Starts a throttled server as its engine user (BlkioThrottle.wrapCommand).
  'setpriv',
] as const;

/** Where the cgroup v1 blkio controller is mounted. */
export const BLKIO_ROOT = '/sys/fs/cgroup/blkio';

const defaultProbe: CapabilityProbe = {
  platform: process.platform,
  uid: process.getuid?.(),
  async hasCommand(name) {
    for (const dir of TOOL_PATH.split(':')) {
      if (await canAccess(path.join(dir, name), constants.X_OK)) return true;
    }
    return false;
  },
  hasPath: file => canAccess(file, constants.F_OK),
  async effectiveCapabilities() {
    const status = await fs.readFile('/proc/self/status', 'utf8');
    const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    return hex === undefined ? undefined : BigInt(`0x${hex}`);
  },
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
 * Checks every requirement and reports all that are missing at once, so an
 * operator can fix them in one go. Prefer {@link volumeCapabilities}, which
 * checks only once per process.
 */
export async function detectVolumeCapabilities(
  overrides: Partial<CapabilityProbe> = {},
): Promise<VolumeCapabilities> {
  const probe = { ...defaultProbe, ...overrides };
  if (probe.platform !== 'linux') {
    return {
      enforced: false,
      reason: `volume limits need Linux, this host runs ${probe.platform}`,
    };
  }
  const missing: string[] = [];
  if (probe.uid !== 0) {
    missing.push(`not running as root (uid ${probe.uid ?? 'unknown'})`);
  } else if (
    (((await probe.effectiveCapabilities()) ?? 0n) >> CAP_SYS_ADMIN) % 2n !==
    1n
  ) {
    missing.push('running as root without the CAP_SYS_ADMIN capability');
  }
  for (const command of REQUIRED_COMMANDS) {
    if (!(await probe.hasCommand(command))) {
      missing.push(`${command} is not installed`);
    }
  }
  if (!(await probe.hasPath('/dev/loop-control'))) {
    missing.push('loop devices are not available (no /dev/loop-control)');
  }
  if (
    !(await probe.hasPath(
      path.join(BLKIO_ROOT, 'blkio.throttle.write_bps_device'),
    ))
  ) {
    missing.push(
      `the cgroup v1 blkio controller with throttling is not mounted at ${BLKIO_ROOT}`,
    );
  }
  return missing.length === 0
    ? { enforced: true }
    : { enforced: false, reason: missing.join('; ') };
}

let detected: Promise<VolumeCapabilities> | undefined;

/** {@link detectVolumeCapabilities} for this host, checked once per process. */
export function volumeCapabilities(): Promise<VolumeCapabilities> {
  detected ??= detectVolumeCapabilities();
  return detected;
}
