import { InputError } from '@backstage/errors';
import { EngineContainer, EngineDriver } from '@basalt/plugin-basalt-node';

/**
 * How an engine runs in a Pod: its driver's container (see
 * `EngineProcess.container`), with the image configured here, and the
 * signal the Pod's start script turns Kubernetes' SIGTERM into. The
 * engine's configuration and data come from the driver, exactly as on the
 * local runtime.
 */
export interface EngineImage extends EngineContainer {
  /** As `kill -<stopSignal>` takes it in the Pod's shell. */
  stopSignal: 'INT' | 'TERM';
  /** When nodes pull it; absent: Kubernetes' default for its tag. */
  pullPolicy?: ImagePullPolicy;
}

/** Kubernetes' `imagePullPolicy`. */
export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/**
 * The image of each installed engine: its driver's official one, or the one
 * `basalt.runtimes.kubernetes.images.<engine>` names.
 *
 * @throws InputError for a configured image of an engine no module installed.
 */
export function engineImages(
  drivers: Pick<EngineDriver, 'engine' | 'process'>[],
  configured: Record<string, string> = {},
  pullPolicy?: ImagePullPolicy,
): Record<string, EngineImage> {
  for (const engine of Object.keys(configured)) {
    if (!drivers.some(driver => driver.engine === engine)) {
      throw new InputError(
        `basalt.runtimes.kubernetes.images.${engine}: no driver for ${engine} is installed; installed: ${
          drivers.map(driver => driver.engine).join(', ') || 'none'
        }`,
      );
    }
  }
  return Object.fromEntries(
    drivers.map(({ engine, process }) => [
      engine,
      {
        ...process.container,
        image: configured[engine] ?? process.container.image,
        stopSignal: process.stopSignal === 'SIGINT' ? 'INT' : 'TERM',
        ...(pullPolicy && { pullPolicy }),
      },
    ]),
  );
}
