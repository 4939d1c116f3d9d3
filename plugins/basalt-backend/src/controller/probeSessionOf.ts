import {
  EngineAddress,
  EngineContext,
  EngineDriver,
  ProbeSession,
} from '@basalt/plugin-basalt-node';

/**
 * A session for probing a watched primary: the driver's own, which keeps
 * its connection, or else one that probes anew each time. With `stalled`
 * (the runtime's `stalledProcess`), each probe also asks the runtime about
 * the server's process: one that is stopped fails the probe, although its
 * kept connection may still answer.
 */
export function probeSessionOf(
  driver: EngineDriver,
  address: EngineAddress,
  engine: EngineContext,
  timeoutMs: number,
  stalled?: () => Promise<string | undefined>,
): ProbeSession {
  const session = driver.openProbeSession?.(address, engine, {
    timeoutMs,
  }) ?? {
    probe: () => driver.probe(address, engine, { timeoutMs }),
    close: async () => {},
  };
  if (!stalled) return session;
  return {
    probe: async () => {
      const [probe, why] = await Promise.all([
        session.probe(),
        stalled().catch(() => undefined),
      ]);
      return why ? { ready: false, role: 'unknown', message: why } : probe;
    },
    close: () => session.close(),
  };
}
