import { BasaltHealthCheck, EngineDriver } from '@basalt/plugin-basalt-node';
import { checkEnginePrograms } from '../runtime/local/enginePrograms';

/**
 * Checks that the local runtime's engines can reach their directory and that
 * it finds every program the installed engine drivers run, and says what to
 * install or configure when not.
 */
export function createLocalRuntimeHealthCheck(options: {
  runtime: {
    checkEngineAccess(): Promise<void>;
    binDirOf(engine: string): string | undefined;
  };
  drivers: EngineDriver[];
}): BasaltHealthCheck {
  return {
    name: 'runtime-local',
    async check() {
      await options.runtime.checkEngineAccess();
      const found: string[] = [];
      for (const driver of options.drivers) {
        const binDir = options.runtime.binDirOf(driver.engine);
        if (!binDir) continue;
        await checkEnginePrograms(driver, binDir);
        found.push(`${driver.engine} programs found in ${binDir}`);
      }
      return { message: found.join('; ') || 'no engine configured' };
    },
  };
}
