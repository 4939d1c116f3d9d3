import fs from 'node:fs/promises';
import path from 'node:path';
import {
  CustomErrorBase,
  InputError,
  NotFoundError,
  isError,
} from '@backstage/errors';
import { makeDir } from '../files';
import { deviceNumberOf, findMount, loopDevicesOf } from './mounts';
import { runTool } from './runTool';

/** A volume step failed; the cause (often a `VolumeCommandError`) has the tool's output. */
export class VolumeError extends CustomErrorBase {
  name = 'VolumeError' as const;
}

/** Where a volume's image file lives and where it is mounted. */
export interface VolumeLocation {
  /** The sparse image file that holds the volume's filesystem. */
  imagePath: string;
  /** The directory the volume is mounted on; created when missing. */
  mountPath: string;
}

/** A volume and the capacity it should have. */
export interface VolumeSpec extends VolumeLocation {
  /** The hard capacity cap: a multiple of 4 KiB, at least {@link MIN_VOLUME_BYTES}. */
  sizeBytes: number;
}

/** Space on a mounted volume, as the filesystem reports it. */
export interface VolumeUsage {
  totalBytes: number;
  usedBytes: number;
  freeBytes: number;
}

/** A mounted volume. */
export interface VolumeState {
  /** The loop device, e.g. `/dev/loop3`. */
  device: string;
  mountPath: string;
  /** The image's size: the capacity cap, filesystem overhead included. */
  sizeBytes: number;
  usedBytes: number;
  freeBytes: number;
}

/** The smallest volume mkfs.xfs accepts (300 MiB). */
export const MIN_VOLUME_BYTES = 300 * 1024 * 1024;

// xfs rather than ext4: both grow online, but resize2fs needs
// CAP_SYS_RESOURCE, which containers commonly drop (this one does), while
// xfs_growfs needs only CAP_SYS_ADMIN, which mounting needs anyway.
const FS_TYPE = 'xfs';
const BLOCK_SIZE = 4096;

function validateSize(imagePath: string, sizeBytes: number): void {
  if (
    !Number.isSafeInteger(sizeBytes) ||
    sizeBytes < MIN_VOLUME_BYTES ||
    sizeBytes % BLOCK_SIZE !== 0
  ) {
    throw new InputError(
      `Volume ${imagePath} needs a size that is a multiple of ${BLOCK_SIZE} bytes and at least ${MIN_VOLUME_BYTES} bytes, got ${sizeBytes}`,
    );
  }
}

/** Runs one step; failures become a `VolumeError` that names the step and the volume. */
async function step<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (
      error instanceof VolumeError ||
      error instanceof InputError ||
      error instanceof NotFoundError
    ) {
      throw error;
    }
    // The cause's message, with the tool's output, is appended by CustomErrorBase.
    throw new VolumeError(
      `Could not ${what}`,
      isError(error) ? error : new Error(String(error)),
    );
  }
}

/**
 * Creates the image file sparse, so a pool can promise more capacity than its
 * disk has (over-allocation): blocks are taken only when written. An empty
 * file is what a crash between create and truncate leaves, so it is sized too.
 */
async function ensureImage(imagePath: string, sizeBytes: number) {
  await fs.mkdir(path.dirname(imagePath), { recursive: true });
  const handle = await fs.open(imagePath, 'a', 0o600);
  try {
    if ((await handle.stat()).size === 0) await handle.truncate(sizeBytes);
  } finally {
    await handle.close();
  }
}

/**
 * Formats the image unless it already holds a filesystem, so a second call or
 * a call after a restart never wipes data. Any other filesystem is refused rather
 * than formatted over.
 */
async function ensureFilesystem(imagePath: string) {
  // -p reads the image itself rather than blkid's cache; exit code 2 means
  // no signature at all.
  const { stdout, exitCode } = await runTool(
    'blkid',
    ['-p', '-o', 'value', '-s', 'TYPE', imagePath],
    { okCodes: [2] },
  );
  const found = exitCode === 2 ? '' : stdout.trim();
  if (found === FS_TYPE) return;
  if (found) {
    throw new VolumeError(
      `Volume image ${imagePath} holds a ${found} filesystem, not ${FS_TYPE}; refusing to format over it`,
    );
  }
  // mkfs.xfs writes its 64 MiB log at once (real blocks in the pool); the
  // rest of the image stays sparse. Without -f it refuses to format over a
  // signature blkid might have missed.
  await runTool('mkfs.xfs', ['-q', imagePath], { timeoutMs: 120_000 });
}

/** Attaches the image to a loop device, or adopts the one it already has. */
async function ensureAttached(imagePath: string): Promise<string> {
  const [attached] = await loopDevicesOf(imagePath);
  if (attached) return attached;
  const { stdout } = await runTool('losetup', ['--find', '--show', imagePath]);
  return stdout.trim();
}

/** Mounts the device on `mountPath`, or adopts the mount that is there. */
async function ensureMounted(device: string, mountPath: string) {
  // Not recursive: the mount point's parent (an instance directory) must be
  // there. A parent that vanished, such as a lost node's, is not re-created.
  await makeDir(mountPath, 0o755);
  const mounted = await findMount(mountPath);
  if (mounted) {
    if (mounted.deviceNumber === (await deviceNumberOf(device))) return;
    throw new VolumeError(
      `Cannot mount volume ${device} on ${mountPath}: ${mounted.source} is mounted there`,
    );
  }
  // Data directories hold no devices or setuid programs; noatime spares a
  // write per read.
  await runTool('mount', [
    '-t',
    FS_TYPE,
    '-o',
    'nodev,nosuid,noatime',
    device,
    mountPath,
  ]);
}

/**
 * Makes sure the volume exists, is formatted, attached and mounted, adopting
 * whatever part of that a previous call (or a backend before a restart) did.
 * An existing image keeps its size: `sizeBytes` applies on creation only, and
 * the returned `sizeBytes` is the actual one (grow with {@link expandVolume}).
 * Calls for the same volume must not run concurrently.
 */
export async function ensureVolume(spec: VolumeSpec): Promise<VolumeState> {
  const { imagePath, mountPath } = spec;
  validateSize(imagePath, spec.sizeBytes);
  return step(`ensure volume ${imagePath}`, async () => {
    await ensureImage(imagePath, spec.sizeBytes);
    await ensureFilesystem(imagePath);
    const device = await ensureAttached(imagePath);
    await ensureMounted(device, mountPath);
    return describeVolume(device, spec);
  });
}

async function describeVolume(
  device: string,
  location: VolumeLocation,
): Promise<VolumeState> {
  const [{ size }, usage] = await Promise.all([
    fs.stat(location.imagePath),
    volumeUsage(location.mountPath),
  ]);
  return {
    device,
    mountPath: location.mountPath,
    sizeBytes: size,
    usedBytes: usage.usedBytes,
    freeBytes: usage.freeBytes,
  };
}

/**
 * Grows a volume to `sizeBytes` while it stays mounted and in use: the image
 * grows (sparse again), the loop device learns its new capacity, and
 * xfs_growfs grows the mounted filesystem online. Growing to the current size
 * finishes a grow that a crash interrupted. Shrinking is refused.
 */
export async function expandVolume(spec: VolumeSpec): Promise<VolumeState> {
  const { imagePath } = spec;
  validateSize(imagePath, spec.sizeBytes);
  const current = await imageSize(imagePath);
  if (spec.sizeBytes < current) {
    throw new InputError(
      `Refusing to shrink volume ${imagePath} from ${current} to ${spec.sizeBytes} bytes: volumes only grow`,
    );
  }
  return step(`expand volume ${imagePath}`, async () => {
    const { device } = await ensureVolume({ ...spec, sizeBytes: current });
    if (spec.sizeBytes > current) await fs.truncate(imagePath, spec.sizeBytes);
    await runTool('losetup', ['--set-capacity', device]);
    await runTool('xfs_growfs', [spec.mountPath], { timeoutMs: 300_000 });
    return describeVolume(device, spec);
  });
}

async function imageSize(imagePath: string): Promise<number> {
  try {
    return (await fs.stat(imagePath)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`Volume image ${imagePath} does not exist`);
    }
    throw error;
  }
}

/**
 * Capacity and use of the volume mounted on `mountPath`. Fails when nothing
 * is mounted there, as the directory's own filesystem would be reported.
 */
export async function volumeUsage(mountPath: string): Promise<VolumeUsage> {
  if (!(await findMount(mountPath))) {
    throw new NotFoundError(`No volume is mounted on ${mountPath}`);
  }
  const stats = await fs.statfs(mountPath);
  return {
    totalBytes: stats.blocks * stats.bsize,
    usedBytes: (stats.blocks - stats.bfree) * stats.bsize,
    freeBytes: stats.bavail * stats.bsize,
  };
}

/**
 * Unmounts, detaches and deletes a volume and its data; each part that is
 * already gone counts as done. A mount on `mountPath` that is not this
 * volume's is left alone and reported.
 */
export async function removeVolume(location: VolumeLocation): Promise<void> {
  const { imagePath, mountPath } = location;
  await step(`remove volume ${imagePath}`, async () => {
    const devices = await loopDevicesOf(imagePath);
    const mounted = await findMount(mountPath);
    if (mounted) {
      const ours = await Promise.all(devices.map(deviceNumberOf));
      if (!ours.includes(mounted.deviceNumber)) {
        throw new VolumeError(
          `Cannot remove volume ${imagePath}: ${mounted.source} is mounted on ${mountPath}, not this volume`,
        );
      }
      await runTool('umount', [mountPath]);
    }
    for (const device of devices) {
      await runTool('losetup', ['--detach', device]);
    }
    await fs.rm(imagePath, { force: true });
    await removeEmptyDir(mountPath);
  });
}

// The mount point is ours to remove, but only while empty: files there were
// written under the volume while it was not mounted, and are not ours to drop.
async function removeEmptyDir(dir: string): Promise<void> {
  try {
    await fs.rmdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY') throw error;
  }
}
