import { createBackendModule } from '@backstage/backend-plugin-api';
import { basaltEnginesExtensionPoint } from '@basalt/plugin-basalt-node';
import { MemoryDriver } from './MemoryDriver';
import { MemoryRuntime } from './MemoryRuntime';

/**
 * Installs the in-memory engine and runtime into a test backend, through
 * the extension point as an adopter's modules would.
 */
export function memoryEngineModule(
  driver: MemoryDriver,
  runtime: MemoryRuntime,
) {
  return createBackendModule({
    pluginId: 'basalt',
    moduleId: 'memory-engine',
    register(env) {
      env.registerInit({
        deps: { engines: basaltEnginesExtensionPoint },
        async init({ engines }) {
          engines.addEngineDrivers(driver);
          engines.addRuntimes(runtime);
        },
      });
    },
  });
}
