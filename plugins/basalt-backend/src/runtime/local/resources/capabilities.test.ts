import {
  CPU_ROOT,
  detectResourceCapabilities,
  MEMORY_ROOT,
  resourceCapabilities,
} from './capabilities';
import { requireRootOnLinux } from '../volumes/__testUtils__/requireRoot';

// This host is the one the resource tests run on: Linux, root, cgroup v1.

describe('detectResourceCapabilities on this host', () => {
  requireRootOnLinux();
  it('finds the cgroup v1 cpu and memory controllers', async () => {
    await expect(detectResourceCapabilities()).resolves.toEqual({
      enforced: true,
    });
  });
});

describe('detectResourceCapabilities', () => {
  it('checks only once per process', () => {
    expect(resourceCapabilities()).toBe(resourceCapabilities());
  });

  it('says in plain words when the backend is not root', async () => {
    await expect(
      detectResourceCapabilities({
        platform: 'linux',
        uid: 1000,
        hasCommand: async () => true,
        canWrite: async () => true,
      }),
    ).resolves.toEqual({
      enforced: false,
      reason: 'not running as root (uid 1000)',
    });
  });

  it('lists every missing requirement at once', async () => {
    await expect(
      detectResourceCapabilities({
        platform: 'linux',
        uid: 0,
        hasCommand: async () => false,
        // A cgroup v2 only host has neither v1 controller.
        canWrite: async () => false,
      }),
    ).resolves.toEqual({
      enforced: false,
      reason: [
        'setpriv is not installed',
        `the cgroup v1 cpu controller is not mounted writable at ${CPU_ROOT}`,
        `the cgroup v1 memory controller is not mounted writable at ${MEMORY_ROOT}`,
      ].join('; '),
    });
  });

  it('needs Linux', async () => {
    await expect(
      detectResourceCapabilities({ platform: 'darwin' }),
    ).resolves.toEqual({
      enforced: false,
      reason: 'CPU and memory limits need Linux, this host runs darwin',
    });
  });
});
