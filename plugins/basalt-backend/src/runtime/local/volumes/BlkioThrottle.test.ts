import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConflictError } from '@backstage/errors';
import { createCleanup } from './__testUtils__/cleanup';
import { BlkioThrottle } from './BlkioThrottle';
import { ensureVolume, removeVolume, VolumeState } from './LoopVolume';
import { deviceNumberOf } from './mounts';
import { requireRootOnLinux } from './__testUtils__/requireRoot';

const execFileAsync = promisify(execFile);
const MiB = 1024 * 1024;
const LIMIT = 8 * MiB;
// 3.5 s at the limit: long enough to average out the throttle's time slices.
const COUNT = 28;

/**
 * Writes COUNT MiB with O_DIRECT or O_DSYNC (each write synced, as a
 * database's fsynced writes reach the device), and returns the rate dd
 * itself measured (its own clock excludes process start-up, which a loaded
 * machine can make slow).
 */
async function directWriteRate(
  command: { file: string; args: string[] },
  target: string,
  flag: 'direct' | 'dsync' = 'direct',
): Promise<number> {
  const { stderr } = await execFileAsync(command.file, [
    ...command.args,
    'if=/dev/zero',
    `of=${target}`,
    'bs=1M',
    `count=${COUNT}`,
    `oflag=${flag}`,
  ]);
  const match = /(\d+) bytes .* copied, ([\d.]+) s/.exec(stderr);
  if (!match) throw new Error(`Unexpected dd output: ${stderr}`);
  return Number(match[1]) / Number(match[2]);
}

describe('BlkioThrottle', () => {
  requireRootOnLinux();
  jest.setTimeout(60_000);
  const cleanup = createCleanup();
  let volume: VolumeState;
  let throttle: BlkioThrottle;

  beforeEach(async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'basalt-blkio-'));
    cleanup.add(() => fs.rm(dir, { recursive: true, force: true }));
    const location = {
      imagePath: path.join(dir, 'v.img'),
      mountPath: path.join(dir, 'v'),
    };
    cleanup.add(() => removeVolume(location));
    volume = await ensureVolume({ ...location, sizeBytes: 320 * MiB });
    // Unique per test: others may run these tests on the same host at once.
    const name = `test-${randomBytes(4).toString('hex')}`;
    throttle = await BlkioThrottle.ensure({ name });
    cleanup.add(() => throttle.remove());
  });

  afterEach(() => cleanup.run());

  // The kernel enforces the limit, not our code: this measures that the
  // limit we write is the one in force on this device, which a wrong
  // major:minor or file name would silently defeat. dd's rate is bytes over
  // its own elapsed time; the throttle paces I/O against the same clock, so
  // machine load slows the unthrottled write but cannot push the throttled
  // one above the limit, and the volume is fast enough (checked first) not
  // to fall below it.
  it.each(['direct', 'dsync'] as const)(
    'holds %s writes to the write limit',
    async flag => {
      await throttle.setLimits(volume.device, { writeBytesPerSecond: LIMIT });
      await expect(throttle.readLimits()).resolves.toEqual({
        [await deviceNumberOf(volume.device)]: { writeBytesPerSecond: LIMIT },
      });

      const unthrottled = await directWriteRate(
        { file: 'dd', args: [] },
        path.join(volume.mountPath, 'free'),
        flag,
      );
      expect(unthrottled).toBeGreaterThan(2 * LIMIT);

      const throttled = await directWriteRate(
        throttle.wrapCommand('dd', []),
        path.join(volume.mountPath, 'held'),
        flag,
      );
      expect(throttled).toBeGreaterThan(0.9 * LIMIT);
      expect(throttled).toBeLessThan(1.1 * LIMIT);
    },
  );

  it('is idempotent and clears limits no longer asked for', async () => {
    const again = await BlkioThrottle.ensure({
      name: path.basename(throttle.path),
    });
    expect(again.path).toBe(throttle.path);
    await throttle.setLimits(volume.device, {
      readBytesPerSecond: LIMIT,
      writeIopsPerSecond: 100,
    });
    await throttle.setLimits(volume.device, { readBytesPerSecond: LIMIT });
    await expect(throttle.readLimits()).resolves.toEqual({
      [await deviceNumberOf(volume.device)]: { readBytesPerSecond: LIMIT },
    });
  });

  it('starts a program and its children inside the group, as another user', async () => {
    const group = `blkio:/basalt/${path.basename(throttle.path)}`;
    const wrapped = throttle.wrapCommand(
      'sh',
      ['-c', 'id -u; sh -c "cat /proc/self/cgroup"'],
      { uid: 65534, gid: 65534 },
    );
    const { stdout } = await execFileAsync(wrapped.file, wrapped.args);
    expect(stdout.split('\n')[0]).toBe('65534');
    expect(stdout).toContain(group);
  });

  it('adds a running process and will not be removed while it runs', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise(resolve => sleeper.once('exit', resolve));
    try {
      await throttle.addProcess(sleeper.pid!);
      await expect(throttle.processes()).resolves.toEqual([sleeper.pid]);
      await expect(throttle.remove()).rejects.toBeInstanceOf(ConflictError);
    } finally {
      sleeper.kill('SIGKILL');
      await exited;
    }
    await throttle.remove();
    await throttle.remove();
    await expect(fs.stat(throttle.path)).rejects.toThrow(/ENOENT/);
  });
});
