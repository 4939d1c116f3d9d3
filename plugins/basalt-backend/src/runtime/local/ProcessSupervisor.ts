import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { CustomErrorBase } from '@backstage/errors';
import { EngineAddress, EngineProcess } from '@basalt/plugin-basalt-node';
import { EngineUser } from './engineUser';
import { tailLines } from './files';
import {
  acceptsConnections,
  isServerAlive,
  readPidFile,
  signalServer,
  sleep,
  waitUntilGone,
} from './processes';

const LOG_TAIL_LINES = 10;

/** A long-running engine server, as the supervisor runs it. */
export interface ServerSpec {
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Receives the server's standard output and error. */
  logFile: string;
  /** Where the supervisor records the server's pid. */
  pidFile: string;
  /**
   * An argument the server's command line has (its data directory), which
   * tells the server from an unrelated process that reuses its pid.
   */
  marker: string;
  /** Where the server listens once it is up. */
  address: EngineAddress;
  /** Called when the server exits without being stopped by the supervisor. */
  onExit: (message: string) => void;
  /**
   * The command drops to the engine user itself (a throttle group's
   * wrapper, which must join the group as root): spawn it as the backend's
   * own user.
   */
  switchesUser?: boolean;
  /**
   * Runs just before the server is spawned, never when a running one is
   * adopted: e.g. sets the limits of the cgroups it starts in, which a
   * running server keeps until it restarts.
   */
  beforeStart?: () => Promise<void>;
}

/** The server exited or never listened; the message carries its log's end. */
export class ServerStartError extends CustomErrorBase {
  name = 'ServerStartError' as const;
}

interface Watched {
  pid: number;
  spec: ServerSpec;
  /** Set for servers this supervisor spawned: their exit is an event. */
  child?: ChildProcess;
  stopping: boolean;
}

/**
 * Starts engine servers as detached processes that outlive the backend,
 * adopts the ones a previous backend started, and reports when either kind
 * exits on its own. Spawned servers are watched through their `exit` event;
 * adopted ones, which are not our children, by polling.
 */
export class ProcessSupervisor {
  private readonly watched = new Map<string, Watched>();
  private poller?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly options: {
      user: EngineUser;
      startTimeoutMs: number;
      stopTimeoutMs: number;
      pollIntervalMs: number;
    },
  ) {}

  /** The pid of the server if it is running now. */
  async runningPid(
    spec: Pick<ServerSpec, 'pidFile' | 'marker'>,
  ): Promise<number | undefined> {
    const pid = await readPidFile(spec.pidFile);
    return pid && (await isServerAlive(pid, spec.marker)) ? pid : undefined;
  }

  /**
   * When the running server started, ISO 8601: the time of its pid file,
   * which the supervisor writes once, when it starts the server, and which
   * adoption leaves alone. `undefined` when it does not run.
   */
  async startedAt(
    spec: Pick<ServerSpec, 'pidFile' | 'marker'>,
  ): Promise<string | undefined> {
    if ((await this.runningPid(spec)) === undefined) return undefined;
    const stat = await fs.stat(spec.pidFile).catch(() => undefined);
    return stat?.mtime.toISOString();
  }

  /**
   * Adopts the server if it runs, starts it otherwise, and waits until it
   * accepts connections. Throws {@link ServerStartError} with the end of its
   * log when it exits or does not listen in time.
   */
  async ensureRunning(
    key: string,
    spec: ServerSpec,
  ): Promise<{ pid: number; started: boolean }> {
    const current = this.watched.get(key);
    let pid = await this.runningPid(spec);
    const started = pid === undefined;
    if (pid === undefined) {
      pid = await this.start(key, spec);
    } else if (current?.pid !== pid) {
      this.watch(key, { pid, spec, stopping: false });
    }
    await this.waitUntilListening(key, pid, spec);
    return { pid, started };
  }

  /**
   * Stops the server: `signal` (its engine's orderly but prompt shutdown),
   * then SIGKILL to its whole process group once the deadline passes; with
   * `kill`, SIGKILL at once, which also ends a stopped (hung) process.
   */
  async stop(
    key: string,
    spec: Pick<ServerSpec, 'pidFile' | 'marker'>,
    how: { signal: EngineProcess['stopSignal']; mode?: 'clean' | 'kill' },
  ) {
    const watched = this.watched.get(key);
    if (watched) watched.stopping = true;
    const pid = await this.runningPid(spec);
    if (pid !== undefined) {
      const alive = () => isServerAlive(pid, spec.marker);
      let gone = false;
      if ((how.mode ?? 'clean') === 'clean') {
        signalServer(pid, how.signal, false);
        gone = await waitUntilGone(alive, this.options.stopTimeoutMs);
      }
      if (!gone) {
        signalServer(pid, 'SIGKILL', true);
        await waitUntilGone(alive, this.options.stopTimeoutMs);
      }
    }
    this.unwatch(key);
    await fs.rm(spec.pidFile, { force: true });
  }

  /** Stops watching (servers keep running). */
  close(): void {
    for (const key of [...this.watched.keys()]) {
      this.unwatch(key);
    }
  }

  private async start(key: string, spec: ServerSpec): Promise<number> {
    await spec.beforeStart?.();
    const child = await spawnDetached(spec, this.options.user);
    const watched: Watched = { pid: child.pid!, spec, child, stopping: false };
    child.once('exit', (code, signal) => {
      const how = signal ? `on signal ${signal}` : `with code ${code}`;
      void this.exited(key, watched, `exited ${how}`);
    });
    this.watch(key, watched);
    await fs.writeFile(spec.pidFile, `${watched.pid}\n`, { mode: 0o644 });
    return watched.pid;
  }

  private async waitUntilListening(key: string, pid: number, spec: ServerSpec) {
    const { host, port } = spec.address;
    const deadline = Date.now() + this.options.startTimeoutMs;
    for (;;) {
      if (await acceptsConnections(host, port, 250)) return;
      if (!(await this.isAlive(key, pid, spec))) {
        // Reported by the error; an exit event would only repeat it.
        this.unwatch(key);
        throw await startError(spec, `exited before listening on ${port}`);
      }
      if (Date.now() >= deadline) {
        throw await startError(
          spec,
          `did not listen on ${port} within ${this.options.startTimeoutMs} ms`,
        );
      }
      await sleep(20);
    }
  }

  private async isAlive(key: string, pid: number, spec: ServerSpec) {
    const child = this.watched.get(key)?.child;
    if (child && child.pid === pid) {
      return child.exitCode === null && child.signalCode === null;
    }
    return isServerAlive(pid, spec.marker);
  }

  private watch(key: string, watched: Watched): void {
    this.unwatch(key);
    this.watched.set(key, watched);
    if (!watched.child && !this.poller) {
      this.poller = setInterval(
        () => void this.poll(),
        this.options.pollIntervalMs,
      );
      this.poller.unref();
    }
  }

  private unwatch(key: string): void {
    const watched = this.watched.get(key);
    watched?.child?.removeAllListeners('exit');
    this.watched.delete(key);
    if (this.poller && ![...this.watched.values()].some(w => !w.child)) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      for (const [key, watched] of this.watched) {
        const { pid, spec, child } = watched;
        if (!child && !(await isServerAlive(pid, spec.marker))) {
          await this.exited(key, watched, 'is no longer running');
        }
      }
    } finally {
      this.polling = false;
    }
  }

  private async exited(key: string, watched: Watched, how: string) {
    if (this.watched.get(key) !== watched || watched.stopping) return;
    this.unwatch(key);
    const tail = await tailLines(watched.spec.logFile, LOG_TAIL_LINES);
    watched.spec.onExit(
      `Server (pid ${watched.pid}) ${how}${
        tail ? `; last lines of its log:\n${tail}` : ''
      }`,
    );
  }
}

async function spawnDetached(
  spec: ServerSpec,
  user: EngineUser,
): Promise<ChildProcess> {
  const log = await fs.open(spec.logFile, 'a', 0o640);
  try {
    const child = spawn(spec.program, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      // Its own session and process group: it survives the backend, and a
      // SIGKILL to the group reaches its helper processes too.
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      ...(user.switched && !spec.switchesUser
        ? { uid: user.uid, gid: user.gid }
        : {}),
    });
    if (child.pid === undefined) {
      const error = await new Promise<Error>(resolve =>
        child.once('error', resolve),
      );
      throw new ServerStartError(`Could not start ${spec.program}`, error);
    }
    child.on('error', () => {}); // only spawn failures, handled above
    child.unref();
    return child;
  } finally {
    await log.close();
  }
}

async function startError(spec: ServerSpec, what: string) {
  const tail = await tailLines(spec.logFile, LOG_TAIL_LINES);
  return new ServerStartError(
    `Server ${what}${
      tail ? `; last lines of its log:\n${tail}` : ' (its log is empty)'
    }`,
  );
}
