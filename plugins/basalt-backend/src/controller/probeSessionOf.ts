import {
  EngineAddress,
  EngineContext,
  EngineDriver,
  ProbeSession,
} from '@basalt/plugin-basalt-node';

/**
 * A session for probing a watched primary: the driver's own, which keeps
 * its connection, or else one that probes anew each time.
 */
export function probeSessionOf(
  driver: EngineDriver,
  address: EngineAddress,
  engine: EngineContext,
  timeoutMs: number,
): ProbeSession {
  return (
    driver.openProbeSession?.(address, engine, { timeoutMs }) ?? {
      probe: () => driver.probe(address, engine, { timeoutMs }),
      close: async () => {},
    }
  );
}
