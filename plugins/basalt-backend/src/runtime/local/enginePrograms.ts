import {
  EngineDriver,
  EngineUnavailableError,
} from '@basalt/plugin-basalt-node';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';

/**
 * Checks that an engine's programs are in its bin directory, with an error
 * that says what to install or configure when one is not.
 */
export async function checkEnginePrograms(
  driver: Pick<EngineDriver, 'engine' | 'programs' | 'process'>,
  binDir: string,
): Promise<void> {
  const { engine } = driver;
  for (const program of driver.programs) {
    try {
      await access(path.join(binDir, program), constants.X_OK);
    } catch {
      const pkg = driver.process.debianPackage;
      throw new EngineUnavailableError(
        `${engine} program ${program} not found in ${binDir}: install Debian's ${pkg} package (apt-get install ${pkg}) or set basalt.runtimes.local.${engine}.binDir`,
      );
    }
  }
}
