import {
  EngineContext,
  EngineDriver,
  InstanceProbe,
  ProbeSession,
  RuntimeInstance,
} from '@basalt/plugin-basalt-node';

/** How long a reconcile's probe of one instance may take. */
const PROBE_TIMEOUT_MS = 1000;

interface Open {
  address: string;
  session: ProbeSession;
}

/**
 * The probe sessions of every instance the controller reconciles, kept
 * between passes: a pass (every resync, for every cluster) and a failover
 * then cost one query per instance rather than a login, which under load
 * takes a server process and a few hundred milliseconds. A session is
 * replaced when its instance is reached at another address, and closed
 * once the instance is gone.
 */
export class ProbeSessions {
  readonly #byCluster = new Map<string, Map<string, Open>>();

  /** Probes the instance of cluster `uid` over its session. */
  probe(
    uid: string,
    driver: EngineDriver,
    instance: RuntimeInstance,
    engine: EngineContext,
  ): Promise<InstanceProbe> {
    const address = `${instance.address.host}:${instance.address.port}`;
    let sessions = this.#byCluster.get(uid);
    if (!sessions) {
      sessions = new Map();
      this.#byCluster.set(uid, sessions);
    }
    let open = sessions.get(instance.name);
    if (open?.address !== address) {
      void open?.session.close();
      open = {
        address,
        session: probeSessionOf(
          driver,
          instance.address,
          engine,
          PROBE_TIMEOUT_MS,
        ),
      };
      sessions.set(instance.name, open);
    }
    return open.session.probe();
  }

  /** Closes the sessions of the cluster's instances not named. */
  retain(uid: string, instances: string[]): void {
    const sessions = this.#byCluster.get(uid);
    if (!sessions) return;
    for (const [name, open] of sessions) {
      if (!instances.includes(name)) {
        void open.session.close();
        sessions.delete(name);
      }
    }
    if (sessions.size === 0) this.#byCluster.delete(uid);
  }

  /** Closes every session of the cluster (deleted). */
  forget(uid: string): void {
    this.retain(uid, []);
  }

  /** Closes every session. */
  async close(): Promise<void> {
    const sessions = [...this.#byCluster.values()].flatMap(s => [
      ...s.values(),
    ]);
    this.#byCluster.clear();
    await Promise.all(sessions.map(open => open.session.close()));
  }
}

/**
 * A probe session on one instance: the driver's own, which keeps its
 * connection, or else one that probes anew each time.
 */
export function probeSessionOf(
  driver: EngineDriver,
  address: RuntimeInstance['address'],
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
