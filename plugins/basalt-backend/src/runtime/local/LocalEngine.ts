import {
  EngineDriver,
  EngineProcess,
  EngineUnavailableError,
} from '@basalt/plugin-basalt-node';

/**
 * An engine the local runtime runs: where its programs are on this host,
 * and how its server runs (its driver's {@link EngineProcess}).
 */
export interface LocalEngine {
  binDir: string;
  process: EngineProcess;
}

/**
 * The installed drivers' engines, each with its programs in the configured
 * directory (`basalt.runtimes.local.<engine>.binDir`) or else where its
 * Debian package puts them.
 */
export function localEngines(
  drivers: Pick<EngineDriver, 'engine' | 'process'>[],
  binDirs: Partial<Record<string, string>> = {},
): Record<string, LocalEngine> {
  return Object.fromEntries(
    drivers.map(driver => [
      driver.engine,
      {
        binDir: binDirs[driver.engine] ?? driver.process.binDir,
        process: driver.process,
      },
    ]),
  );
}

/** The local engine `engine`, or an error saying it cannot run here. */
export function localEngineOf(
  engines: Partial<Record<string, LocalEngine>>,
  engine: string,
): LocalEngine {
  const found = engines[engine];
  if (!found) {
    throw new EngineUnavailableError(
      `The local runtime cannot run ${engine}: no module installed its driver`,
    );
  }
  return found;
}

/**
 * The signal that stops a server of `engine` cleanly: its driver's, or
 * SIGTERM (what most servers take as "shut down") for an engine whose
 * driver is no longer installed, whose instances must still stop.
 */
export function stopSignalOf(
  engines: Partial<Record<string, LocalEngine>>,
  engine: string,
): EngineProcess['stopSignal'] {
  return engines[engine]?.process.stopSignal ?? 'SIGTERM';
}
