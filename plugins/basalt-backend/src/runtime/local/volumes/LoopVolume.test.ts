import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { InputError, NotFoundError } from '@backstage/errors';
import { createCleanup } from './__testUtils__/cleanup';
import {
  ensureVolume,
  expandVolume,
  removeVolume,
  VolumeLocation,
  volumeUsage,
} from './LoopVolume';
import { findMount, loopDevicesOf } from './mounts';
import { requireRootOnLinux } from './__testUtils__/requireRoot';

const execFileAsync = promisify(execFile);
const MiB = 1024 * 1024;

// These tests mount real loop devices: they need Linux and root.

/** Writes 1 MiB blocks with fsync until `total` bytes or an error; returns what stopped it. */
async function fill(file: string, total: number) {
  const handle = await fs.open(file, 'a');
  const block = Buffer.alloc(MiB, 0x5a);
  let written = 0;
  try {
    while (written < total) {
      await handle.write(block);
      await handle.sync();
      written += MiB;
    }
    return { written, error: undefined };
  } catch (error) {
    return { written, error: error as NodeJS.ErrnoException };
  } finally {
    await handle.close();
  }
}

describe('LoopVolume', () => {
  requireRootOnLinux();
  jest.setTimeout(60_000);
  const cleanup = createCleanup();
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'basalt-volumes-'));
    cleanup.add(() => fs.rm(dir, { recursive: true, force: true }));
  });

  afterEach(() => cleanup.run());

  /** A volume removed after the test, inner volumes before the pool they live in. */
  function location(image: string, mount: string): VolumeLocation {
    const result = { imagePath: image, mountPath: mount };
    cleanup.add(() => removeVolume(result));
    return result;
  }

  // xfs volumes are at least 300 MiB and mkfs.xfs writes a 64 MiB log into
  // each: the pool is sized so that these fit, yet it is promised twice
  // what it has.
  it('over-allocates a pool and still caps each volume hard', async () => {
    const pool = await ensureVolume({
      ...location(path.join(dir, 'pool.img'), path.join(dir, 'pool')),
      sizeBytes: 768 * MiB,
    });
    const volumes = [];
    for (const name of ['a', 'b', 'c']) {
      volumes.push(
        await ensureVolume({
          ...location(
            path.join(pool.mountPath, `${name}.img`),
            path.join(dir, name),
          ),
          sizeBytes: 512 * MiB,
        }),
      );
    }
    // 1.5 GiB promised on a pool with about 700 MiB free.
    expect(3 * 512 * MiB).toBeGreaterThan(1.8 * pool.freeBytes);
    for (const volume of volumes) {
      const file = path.join(volume.mountPath, 'hello');
      await fs.writeFile(file, 'hello', { flush: true });
      await expect(fs.readFile(file, 'utf8')).resolves.toBe('hello');
    }

    const full = await fill(path.join(volumes[0].mountPath, 'big'), 1024 * MiB);
    expect(full.error?.code).toBe('ENOSPC');
    expect(full.written).toBeGreaterThan(400 * MiB);
    expect(full.written).toBeLessThan(512 * MiB);
    // The volume's own cap stopped the writes, not a full pool.
    expect((await volumeUsage(pool.mountPath)).freeBytes).toBeGreaterThan(
      10 * MiB,
    );
    for (const volume of volumes.slice(1)) {
      const more = await fill(path.join(volume.mountPath, 'more'), 2 * MiB);
      expect(more).toEqual({ written: 2 * MiB, error: undefined });
    }
  });

  it('grows a mounted volume while a file on it is open', async () => {
    const spec = {
      ...location(path.join(dir, 'v.img'), path.join(dir, 'v')),
      sizeBytes: 320 * MiB,
    };
    const before = await ensureVolume(spec);
    const handle = await fs.open(path.join(spec.mountPath, 'data'), 'a');
    try {
      await handle.write(Buffer.alloc(MiB));
      await handle.sync();

      const after = await expandVolume({ ...spec, sizeBytes: 640 * MiB });
      expect(after.device).toBe(before.device);
      expect(after.sizeBytes).toBe(640 * MiB);
      expect(after.freeBytes - before.freeBytes).toBeGreaterThan(300 * MiB);
      // More than the old volume could hold goes through the same handle.
      for (let i = 0; i < 300; i++) await handle.write(Buffer.alloc(MiB));
      await handle.sync();
    } finally {
      await handle.close();
    }
    expect((await volumeUsage(spec.mountPath)).usedBytes).toBeGreaterThan(
      301 * MiB,
    );
    // Growing to the size it has finishes nothing new and changes nothing.
    await expect(
      expandVolume({ ...spec, sizeBytes: 640 * MiB }),
    ).resolves.toMatchObject({ sizeBytes: 640 * MiB });
  });

  it('refuses to shrink a volume or to grow one that does not exist', async () => {
    const spec = {
      ...location(path.join(dir, 'v.img'), path.join(dir, 'v')),
      sizeBytes: 320 * MiB,
    };
    await ensureVolume(spec);
    await expect(
      expandVolume({ ...spec, sizeBytes: 300 * MiB }),
    ).rejects.toThrow(
      new InputError(
        `Refusing to shrink volume ${spec.imagePath} from ${320 * MiB} to ${
          300 * MiB
        } bytes: volumes only grow`,
      ),
    );
    await expect(
      expandVolume({ ...spec, imagePath: path.join(dir, 'none.img') }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('adopts what exists and never formats twice', async () => {
    const spec = {
      ...location(path.join(dir, 'v.img'), path.join(dir, 'v')),
      sizeBytes: 320 * MiB,
    };
    const first = await ensureVolume(spec);
    const marker = path.join(spec.mountPath, 'marker');
    await fs.writeFile(marker, 'kept', { flush: true });

    // A second call, as after a backend restart: same device, same data.
    const second = await ensureVolume({ ...spec, sizeBytes: 480 * MiB });
    expect(second.device).toBe(first.device);
    expect(second.sizeBytes).toBe(320 * MiB);
    await expect(loopDevicesOf(spec.imagePath)).resolves.toEqual([
      first.device,
    ]);

    // Unmounted but still attached: the attachment is adopted.
    await execFileAsync('umount', [spec.mountPath]);
    const remounted = await ensureVolume(spec);
    expect(remounted.device).toBe(first.device);
    await expect(fs.readFile(marker, 'utf8')).resolves.toBe('kept');

    // Unmounted and detached, as after a host reboot: the image keeps its data.
    await execFileAsync('umount', [spec.mountPath]);
    await execFileAsync('losetup', ['--detach', first.device]);
    await ensureVolume(spec);
    await expect(fs.readFile(marker, 'utf8')).resolves.toBe('kept');
  });

  it('removes a volume completely, and an absent one without complaint', async () => {
    const spec = {
      imagePath: path.join(dir, 'v.img'),
      mountPath: path.join(dir, 'v'),
      sizeBytes: 300 * MiB,
    };
    cleanup.add(() => removeVolume(spec));
    await ensureVolume(spec);
    await removeVolume(spec);
    await removeVolume(spec);
    await expect(findMount(spec.mountPath)).resolves.toBeUndefined();
    await expect(loopDevicesOf(spec.imagePath)).resolves.toEqual([]);
    await expect(fs.stat(spec.imagePath)).rejects.toThrow(/ENOENT/);
    await expect(fs.stat(spec.mountPath)).rejects.toThrow(/ENOENT/);
    await expect(volumeUsage(spec.mountPath)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
