import { InstanceProbe } from '@basalt/plugin-basalt-node';

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

/** What is known of one watched primary. */
interface Watched {
  instance: string;
  probe: (timeoutMs: number) => Promise<InstanceProbe>;
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
 * so one that hangs (alive but not answering, which no exit reports) is
 * found within `probeInterval × failureThreshold` plus a probe timeout. A
 * primary that answers again before the threshold is merely slow and keeps
 * its role.
 */
export class PrimaryMonitor {
  readonly #settings: PrimaryMonitorSettings;
  readonly #onLost: (uid: string) => void;
  readonly #watched = new Map<string, Watched>();
  readonly #exits = new Map<string, Map<string, PrimaryLoss>>();
  #timer?: NodeJS.Timeout;

  constructor(options: {
    settings: PrimaryMonitorSettings;
    /** Called once per streak, when the threshold is reached. */
    onLost: (uid: string) => void;
  }) {
    this.#settings = options.settings;
    this.#onLost = options.onLost;
  }

  /** Watches (or keeps watching) a cluster's primary. */
  watch(
    uid: string,
    instance: string,
    probe: (timeoutMs: number) => Promise<InstanceProbe>,
  ): void {
    const current = this.#watched.get(uid);
    if (current?.instance === instance) {
      current.probe = probe;
      return;
    }
    this.#watched.set(uid, { instance, probe, failures: 0, inFlight: false });
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
    this.#watched.delete(uid);
    this.#exits.delete(uid);
    if (this.#watched.size === 0) this.stop();
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

  stop(): void {
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
    let answered = false;
    try {
      const probe = await watched.probe(this.#settings.probeTimeoutMs);
      answered = probe.ready && probe.role === 'primary';
    } catch {
      answered = false;
    } finally {
      watched.inFlight = false;
    }
    if (this.#watched.get(uid) !== watched) return; // unwatched meanwhile
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
