import { BasaltHealthCheck, EngineDriver } from '@basalt/plugin-basalt-node';
import { checkEnginePrograms } from '../runtime/local/enginePrograms';

/**
 * Checks that the local runtime finds every program the installed engine
 * drivers run, and says what to install or configure when it does not.
 */
export function createLocalRuntimeHealthCheck(options: {
  binDirs: Record<string, string>;
  drivers: EngineDriver[];
}): BasaltHealthCheck {
  return {
    name: 'runtime-local',
    async check() {
      const found: string[] = [];
      for (const driver of options.drivers) {
        const binDir = options.binDirs[driver.engine];
        if (!binDir) continue;
        await checkEnginePrograms(driver.engine, binDir, driver.programs);
        found.push(`${driver.engine} programs found in ${binDir}`);
      }
      return { message: found.join('; ') || 'no engine configured' };
    },
  };
}
