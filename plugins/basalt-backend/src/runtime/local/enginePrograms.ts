import { EngineUnavailableError } from '@basalt/plugin-basalt-node';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';

/** Debian packages that ship each engine's programs. */
const DEBIAN_PACKAGES: Record<string, string> = {
  postgresql: 'postgresql',
  mariadb: 'mariadb-server',
  redis: 'redis-server',
};

/**
 * Checks that an engine's programs are in its bin directory, with an error
 * that says what to install or configure when one is not.
 */
export async function checkEnginePrograms(
  engine: string,
  binDir: string,
  programs: string[],
): Promise<void> {
  for (const program of programs) {
    try {
      await access(path.join(binDir, program), constants.X_OK);
    } catch {
      const pkg = DEBIAN_PACKAGES[engine] ?? engine;
      throw new EngineUnavailableError(
        `${engine} program ${program} not found in ${binDir}: install Debian's ${pkg} package (apt-get install ${pkg}) or set basalt.runtimes.local.${engine}.binDir`,
      );
    }
  }
}
