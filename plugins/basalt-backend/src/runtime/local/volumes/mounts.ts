import fs from 'node:fs/promises';
import path from 'node:path';
import { runTool } from './runTool';

/** One line of `/proc/self/mountinfo`, the parts the volume steps need. */
export interface MountEntry {
  /** `major:minor` of the mounted device. */
  deviceNumber: string;
  mountPoint: string;
  fsType: string;
  source: string;
}

// mountinfo escapes space, tab, newline and backslash as octal (\040 …).
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}

/** Parses `/proc/self/mountinfo` (see proc(5)); the kernel's view, not a cached table. */
export async function readMounts(): Promise<MountEntry[]> {
  const text = await fs.readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter(line => line.length > 0)
    .map(line => {
      const [before, after] = line.split(' - ');
      const fields = before.split(' ');
      const [fsType, source] = after.split(' ');
      return {
        deviceNumber: fields[2],
        mountPoint: unescapeMountField(fields[4]),
        fsType,
        source: unescapeMountField(source),
      };
    });
}

/**
 * The absolute path the kernel reports for `dir`: symlinks resolved where the
 * directory exists, so it compares equal to mountinfo's mount points.
 */
export async function canonicalPath(dir: string): Promise<string> {
  try {
    return await fs.realpath(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** What is mounted on `dir` (the topmost of stacked mounts), if anything. */
export async function findMount(dir: string): Promise<MountEntry | undefined> {
  const target = await canonicalPath(dir);
  const matches = (await readMounts()).filter(
    entry => entry.mountPoint === target,
  );
  return matches[matches.length - 1];
}

/** The loop devices attached to `imagePath` (normally none or one). */
export async function loopDevicesOf(imagePath: string): Promise<string[]> {
  const { stdout } = await runTool('losetup', [
    '--list',
    '--noheadings',
    '--output',
    'NAME',
    '--associated',
    imagePath,
  ]);
  return stdout
    .split('\n')
    .map(line => line.trim())
    .filter(line => line.length > 0);
}

/** `major:minor` of a block device, as the kernel lists it in sysfs. */
export async function deviceNumberOf(device: string): Promise<string> {
  const text = await fs.readFile(
    path.join('/sys/class/block', path.basename(device), 'dev'),
    'utf8',
  );
  return text.trim();
}
