import { ProbeSession } from '@basalt/plugin-basalt-node';

/**
 * How the primaries of replicated clusters are watched; see
 * `basalt.controller.ha` in the configuration docs.
 */
export interface PrimaryMonitorSettings {
  /** Time between two probes of one primary. */
  probeIntervalMs: number;
  /** How long one probe may take before it counts as failed. */
  probeTimeoutMs: number;
  /** Consecutive failed probes after which the primary is declared lost. */
  failureThreshold: number;
}

/** A primary to watch. */
export interface WatchTarget {
  instance: string;
  /** Where it is reached; a primary reached elsewhere gets a new session. */
  address: string;
  /** Opens a probe session on it, each probe within `timeoutMs`. */
  openSession: (timeoutMs: number) => ProbeSession;
}

/** What is known of one watched primary. */
interface Watched {
  instance: string;
  address: string;
  /** Kept open between probes: most probes are one query, not a login. */
  session: ProbeSession;
  failures: number;
  /** When the current streak of failed probes began (ms since epoch). */
  failingSince?: number;
  inFlight: boolean;
}

/** A primary noticed lost: since when (ms since epoch) and why. */
export interface PrimaryLoss {
  since: number;
  why: string;
}

/**
 * Notices lost primaries between reconciles. Process exits come from the
 * runtime's events; and the primary of every replicated cluster is probed,
 * over a session the driver keeps, so one that hangs (alive but not
 * answering, which no exit reports) is found within `probeInterval ×
 * failureThreshold` plus a probe timeout, once a probe needs the server
 * itself (a driver's session may log in afresh only every few probes). A
 * primary that answers again before the threshold is merely slow and keeps
 * its role.
 */
export class PrimaryMonitor {
  readonly #settings: PrimaryMonitorSettings;
  readonly #onLost: (uid: string) => void;
  readonly #watched = new Map<string, Watched>();
  readonly #exits = new Map<string, Map<string, PrimaryLoss>>();
  #timer?: NodeJS.Timeout;
  #stopped = false;

  constructor(options: {
    settings: PrimaryMonitorSettings;
    /** Called once per streak, when the threshold is reached. */
    onLost: (uid: string) => void;
  }) {
    this.#settings = options.settings;
    this.#onLost = options.onLost;
  }

  /**
   * Watches (or keeps watching) a cluster's primary. The same instance at
   * the same address keeps its session and its streak of failed probes.
   */
  watch(uid: string, target: WatchTarget): void {
    if (this.#stopped) return;
    const current = this.#watched.get(uid);
    if (current?.instance === target.instance) {
      if (current.address !== target.address) {
        void current.session.close();
        current.address = target.address;
        current.session = target.openSession(this.#settings.probeTimeoutMs);
      }
      return;
    }
    if (current) void current.session.close();
    this.#watched.set(uid, {
      instance: target.instance,
      address: target.address,
      session: target.openSession(this.#settings.probeTimeoutMs),
      failures: 0,
      inFlight: false,
    });
    this.#timer ??= setInterval(
      () => this.#tick(),
      this.#settings.probeIntervalMs,
    );
    this.#timer.unref();
  }

  /** Whether `instance` is the cluster's watched primary. */
  isWatchedPrimary(uid: string, instance: string): boolean {
    return this.#watched.get(uid)?.instance === instance;
  }

  /** Stops watching a cluster (deleted, standalone, or manual failover). */
  unwatch(uid: string): void {
    void this.#watched.get(uid)?.session.close();
    this.#watched.delete(uid);
    this.#exits.delete(uid);
    if (this.#watched.size === 0) this.#stopTimer();
  }

  /** Remembers that an instance's process ended (a runtime event). */
  noticeExit(uid: string, instance: string, at: string, message: string) {
    const exits = this.#exits.get(uid) ?? new Map<string, PrimaryLoss>();
    // The first clause only: the rest is the log's tail.
    const [what] = message.split(/[;\n]/);
    exits.set(instance, {
      since: Date.parse(at),
      why: `${instance}: ${what}`,
    });
    this.#exits.set(uid, exits);
  }

  /**
   * Whether the named instance was noticed lost: its process ended, or
   * (if it is the watched primary) its probes failed `failureThreshold`
   * times in a row; `undefined` while it answers or is merely slow.
   */
  lossOf(uid: string, instance: string): PrimaryLoss | undefined {
    const exit = this.#exits.get(uid)?.get(instance);
    if (exit) return exit;
    const watched = this.#watched.get(uid);
    if (
      watched?.instance !== instance ||
      watched.failures < this.#settings.failureThreshold
    ) {
      return undefined;
    }
    return {
      since: watched.failingSince!,
      why: `${instance} stopped answering (${watched.failures} probes in a row failed)`,
    };
  }

  /** Forgets what was noticed of a cluster's instances, e.g. once handled. */
  forgetLosses(uid: string): void {
    this.#exits.delete(uid);
    const watched = this.#watched.get(uid);
    if (watched) {
      watched.failures = 0;
      watched.failingSince = undefined;
    }
  }

  /** Stops probing for good and closes every session. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopTimer();
    const sessions = [...this.#watched.values()].map(w => w.session);
    this.#watched.clear();
    await Promise.all(sessions.map(session => session.close()));
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    for (const [uid, watched] of this.#watched) {
      // A probe still waiting for its timeout is not stacked upon.
      if (!watched.inFlight) void this.#probe(uid, watched);
    }
  }

  async #probe(uid: string, watched: Watched): Promise<void> {
    watched.inFlight = true;
    const startedAt = Date.now();
    const { session } = watched;
    let answered = false;
    try {
      const probe = await session.probe();
      answered = probe.ready && probe.role === 'primary';
    } catch {
      answered = false;
    } finally {
      watched.inFlight = false;
    }
    // Unwatched, or reached elsewhere, meanwhile: this probe says nothing.
    if (this.#watched.get(uid) !== watched || watched.session !== session) {
      return;
    }
    if (answered) {
      watched.failures = 0;
      watched.failingSince = undefined;
      return;
    }
    watched.failingSince ??= startedAt;
    watched.failures += 1;
    if (watched.failures === this.#settings.failureThreshold) {
      this.#onLost(uid);
    }
  }
}
