import { detectVolumeCapabilities, volumeCapabilities } from './capabilities';
import { requireRootOnLinux } from './__testUtils__/requireRoot';

// This host is the one the volume tests run on: Linux, root.

describe('detectVolumeCapabilities on this host', () => {
  requireRootOnLinux();
  it('finds everything hard limits need', async () => {
    await expect(detectVolumeCapabilities()).resolves.toEqual({
      enforced: true,
    });
  });
});

describe('detectVolumeCapabilities', () => {
  it('checks only once per process', () => {
    expect(volumeCapabilities()).toBe(volumeCapabilities());
  });

  it('says in plain words when the backend is not root', async () => {
    await expect(
      detectVolumeCapabilities({
        platform: 'linux',
        uid: 1000,
        hasCommand: async () => true,
        hasPath: async () => true,
      }),
    ).resolves.toEqual({
      enforced: false,
      reason: 'not running as root (uid 1000)',
    });
  });

  it('lists every missing requirement at once', async () => {
    await expect(
      detectVolumeCapabilities({
        platform: 'linux',
        uid: 0,
        effectiveCapabilities: async () => 1n << 21n,
        hasCommand: async name => name !== 'mkfs.xfs',
        hasPath: async () => false,
      }),
    ).resolves.toEqual({
      enforced: false,
      reason:
        'mkfs.xfs is not installed; ' +
        'loop devices are not available (no /dev/loop-control); ' +
        'the cgroup v1 blkio controller with throttling is not mounted at /sys/fs/cgroup/blkio',
    });
  });

  it('notices root without the capabilities it needs', async () => {
    await expect(
      detectVolumeCapabilities({
        platform: 'linux',
        uid: 0,
        effectiveCapabilities: async () => 0n,
        hasCommand: async () => true,
        hasPath: async () => true,
      }),
    ).resolves.toEqual({
      enforced: false,
      reason: 'running as root without the CAP_SYS_ADMIN capability',
    });
  });

  it('names the platform when it is not Linux', async () => {
    await expect(
      detectVolumeCapabilities({ platform: 'darwin', uid: 501 }),
    ).resolves.toEqual({
      enforced: false,
      reason: 'volume limits need Linux, this host runs darwin',
    });
  });
});
