import { ChildProcess, StdioOptions } from 'node:child_process';
import { waitForExit } from '../processes';
import {
  containerInit,
  killContainer,
  signalContainer,
  spawnInContainer,
  spawnInRunningContainer,
} from './containerProcess';

/**
 * The processes of one Pod: each container's main process, and the
 * commands exec'd into containers (by clients or readiness probes), so that
 * they can all be stopped together.
 */
export class PodProcesses {
  /** Each running container's main process and its wrapper. */
  private readonly main = new Map<
    string,
    { child: ChildProcess; wrapper: string }
  >();
  private readonly execs = new Set<ChildProcess>();

  /**
   * Starts a container's main process with its wrapper, which later
   * execs into the container reuse.
   */
  start(
    container: string,
    wrapper: string,
    command: string[],
    logFd: number,
  ): ChildProcess {
    const child = spawnInContainer(wrapper, command, ['ignore', logFd, logFd]);
    this.main.set(container, { child, wrapper });
    child.once('exit', () => {
      if (this.main.get(container)?.child === child) {
        this.main.delete(container);
      }
    });
    return child;
  }

  /**
   * Runs `command` in a running container (same mounts, environment and
   * user); throws when the container is not running.
   */
  exec(
    container: string,
    command: string[],
    stdio: StdioOptions,
  ): ChildProcess {
    const main = this.main.get(container);
    const init = main && containerInit(main.child);
    if (!main || init === undefined) {
      throw new Error(`container ${container} is not running`);
    }
    const child = spawnInRunningContainer(main.wrapper, init, command, stdio);
    this.execs.add(child);
    child.once('exit', () => this.execs.delete(child));
    return child;
  }

  /** Runs a probe's command; its exit code, or 137 when it timed out. */
  async probe(
    container: string,
    command: string[],
    timeoutMs: number,
  ): Promise<number> {
    const child = this.exec(container, command, 'ignore');
    const timer = setTimeout(() => void killContainer(child), timeoutMs);
    try {
      await waitForExit(child);
      return child.exitCode ?? 137;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops the containers as a runtime does: SIGTERM to each one's PID 1,
   * SIGKILL to whatever is left after `graceMs`. Exec'd commands are killed.
   */
  async stop(graceMs: number): Promise<void> {
    const children = this.mainProcesses();
    children.forEach(child => signalContainer(child, 'SIGTERM'));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise(resolve => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(children.map(waitForExit)), graceOver]);
    clearTimeout(timer);
    await this.killAll();
  }

  /** SIGKILLs every process at once and waits until all are gone. */
  async killAll(): Promise<void> {
    await Promise.all(
      [...this.mainProcesses(), ...this.execs].map(killContainer),
    );
  }

  private mainProcesses(): ChildProcess[] {
    return [...this.main.values()].map(main => main.child);
  }
}
