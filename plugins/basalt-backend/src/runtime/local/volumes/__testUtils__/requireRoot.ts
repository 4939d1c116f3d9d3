/**
 * Registers a `beforeAll` that fails the suite, saying why, unless it runs
 * as root on Linux: the volume tests mount loop devices and write cgroups.
 * Never a skip: a machine that cannot run them must say so.
 */
export function requireRootOnLinux(): void {
  beforeAll(() => {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) {
      throw new Error(
        'The volume tests mount loop devices and write cgroups: run them as root on Linux',
      );
    }
  });
}
