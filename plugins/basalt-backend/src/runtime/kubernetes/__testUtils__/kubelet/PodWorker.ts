import { StdioOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { waitForExit } from '../processes';
import {
  newRecord,
  nextBackoff,
  podPhase,
  shouldRestart,
  terminatedState,
} from './containerLifecycle';
import { KNOWN_IMAGES } from './images';
import { podAddresses } from './podAddresses';
import { PodProcesses } from './PodProcesses';
import {
  buildPodStatus,
  ConditionClock,
  ContainerRecord,
  PodState,
} from './podStatus';
import { markPodNotReady, PodStatusWriter } from './PodStatusWriter';
import { preparePodVolumes, writeHostsFile } from './podVolumes';
import {
  containerLogFile,
  PodFiles,
  prepareContainer,
} from './prepareContainer';
import { ReadinessProber } from './readinessProbe';

/**
 * Confirms a Pod's deletion as kubelet does once its containers are gone:
 * deletes it with grace period 0, only if it is still the same Pod (uid).
 */
export async function confirmDeletion(
  core: CoreV1Api,
  pod: V1Pod,
): Promise<void> {
  const { name, namespace, uid } = pod.metadata!;
  await core
    .deleteNamespacedPod({
      name: name!,
      namespace: namespace!,
      gracePeriodSeconds: 0,
      // With a body, a 1.20 API server ignores the query's grace period.
      body: { gracePeriodSeconds: 0, preconditions: { uid } },
    })
    .catch(() => {}); // already gone (404) or re-created (409)
}

/** What a {@link PodWorker} needs from its simulator. */
export interface PodWorkerContext {
  core: CoreV1Api;
  /** A directory for the Pod's files, removed when the worker is disposed. */
  dir: string;
}

/**
 * Plays kubelet for one Pod: prepares its volumes and hosts file, runs its
 * init containers then its containers as local processes, restarts them per
 * restartPolicy, probes readiness, reports status, and terminates them on
 * deletion. The simulator disposes of it when the Pod leaves the API.
 */
export class PodWorker {
  readonly uid: string;
  private pod: V1Pod;
  private readonly state: PodState;
  private readonly clock = new ConditionClock();
  private readonly writer: PodStatusWriter;
  private readonly processes = new PodProcesses();
  private readonly probers = new Map<ContainerRecord, ReadinessProber>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private files: PodFiles | undefined;
  private terminating = false;
  private lost = false;
  private disposed: Promise<void> | undefined;

  /** Whether the Pod is gone from this node: its node lost, or disposed. */
  private get gone(): boolean {
    return this.lost || this.disposed !== undefined;
  }

  constructor(private readonly context: PodWorkerContext, pod: V1Pod) {
    this.pod = pod;
    this.uid = pod.metadata!.uid!;
    this.writer = new PodStatusWriter(
      context.core,
      pod.metadata!.namespace!,
      pod.metadata!.name!,
      this.uid,
    );
    const inits = pod.spec?.initContainers ?? [];
    this.state = {
      phase: 'Pending',
      startTime: new Date(),
      initialized: inits.length === 0,
      initContainers: inits.map(c => newRecord(c, 'PodInitializing')),
      containers: (pod.spec?.containers ?? []).map(c =>
        newRecord(c, inits.length ? 'PodInitializing' : 'ContainerCreating'),
      ),
    };
  }

  /** The Pod's IP once assigned, while the Pod runs here. */
  get podIP(): string | undefined {
    return this.gone ? undefined : this.state.podIP;
  }

  /** Whether the worker has stopped acting on its Pod. */
  private get stopping(): boolean {
    return this.terminating || this.gone;
  }

  /** Starts running the Pod in the background. */
  start(): void {
    this.run().catch(error => {
      if (!this.stopping) {
        this.fail('SimulatorError', String(error));
      }
    });
  }

  /** Takes a newer version of the Pod; a deletionTimestamp starts termination. */
  update(pod: V1Pod): void {
    this.pod = pod;
    if (pod.metadata?.deletionTimestamp && !this.stopping) {
      void this.terminateGracefully();
    }
  }

  private async run(): Promise<void> {
    this.publish();
    const all = [...this.state.initContainers, ...this.state.containers];
    for (const record of all) {
      const image = record.spec.image ?? '';
      if (!KNOWN_IMAGES[image]) {
        const known = Object.keys(KNOWN_IMAGES).join(', ');
        const message = `image "${image}" of container ${record.spec.name} is not known to the kubelet simulator (known: ${known})`;
        record.state = { kind: 'waiting', reason: 'ErrImagePull', message };
        this.fail('UnknownImage', message);
        return;
      }
    }
    const dir = this.context.dir;
    await fs.promises.mkdir(dir, { recursive: true });
    const podIP = podAddresses.allocate();
    this.state.podIP = podIP;
    const hostsFile = path.join(dir, 'hosts');
    await writeHostsFile(this.pod, podIP, hostsFile);
    const volumes = await this.prepareVolumes(path.join(dir, 'volumes'));
    this.files = { dir, podIP, hostsFile, volumes };
    for (const record of this.state.initContainers) {
      while (!(await this.runToCompletion(record))) {
        if (this.pod.spec?.restartPolicy === 'Never') {
          const message = `init container ${record.spec.name} failed`;
          this.fail('InitContainerFailed', message);
          return;
        }
        await this.pause(nextBackoff(record));
        record.restartCount++;
      }
    }
    this.state.initialized = true;
    for (const record of this.state.containers) {
      void this.launch(record);
    }
    this.publish();
  }

  /** Resolves after `ms`, or never when the worker stops meanwhile. */
  private pause(ms: number): Promise<void> {
    return new Promise(resolve => this.later(resolve, ms));
  }

  /** Runs a timer unless the worker stops first. */
  private later(action: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopping) {
        action();
      }
    }, delayMs);
    this.timers.add(timer);
  }

  /** Prepares the volumes, retrying (e.g. until a claim is bound) meanwhile. */
  private async prepareVolumes(dir: string): Promise<Map<string, string>> {
    for (;;) {
      try {
        return await preparePodVolumes(this.pod, dir, this.context.core);
      } catch (error) {
        for (const record of this.state.containers) {
          const message = (error as Error).message;
          record.state = {
            kind: 'waiting',
            reason: 'ContainerCreating',
            message,
          };
        }
        this.publish();
        await this.pause(1000);
      }
    }
  }

  /** Runs an init container; whether it exited 0. */
  private async runToCompletion(record: ContainerRecord): Promise<boolean> {
    const child = await this.launch(record);
    if (child) {
      await waitForExit(child);
    }
    return child?.exitCode === 0;
  }

  /**
   * Starts a container's process. When it cannot be set up (e.g. a missing
   * Secret), a regular container is retried later, as kubelet does.
   */
  private async launch(record: ContainerRecord) {
    const init = this.state.initContainers.includes(record);
    let prepared;
    try {
      prepared = await prepareContainer(
        record.spec,
        this.pod,
        KNOWN_IMAGES[record.spec.image!],
        this.files!,
        this.context.core,
      );
    } catch (error) {
      const message = (error as Error).message;
      const reason = 'CreateContainerConfigError';
      record.state = { kind: 'waiting', reason, message };
      this.publish();
      if (!init) {
        this.later(() => void this.launch(record), 2000);
      }
      return undefined;
    }
    if (this.stopping) {
      return undefined;
    }
    const log = fs.openSync(prepared.logFile, 'a');
    const { wrapper, command } = prepared;
    const child = this.processes.start(record.spec.name, wrapper, command, log);
    fs.closeSync(log);
    const startedAt = new Date();
    record.state = { kind: 'running', startedAt };
    record.started = true;
    record.pid = child.pid;
    child.once('exit', (code, signal) => {
      record.state = terminatedState(startedAt, code, signal, prepared.logFile);
      this.onExit(record, init);
    });
    const probe = record.spec.readinessProbe;
    record.ready = !init && !probe;
    if (probe && !init) {
      const name = record.spec.name;
      const prober = new ReadinessProber(
        probe,
        {
          podIP: this.files!.podIP,
          container: record.spec,
          exec: (cmd, timeoutMs) => this.processes.probe(name, cmd, timeoutMs),
        },
        ready => {
          record.ready = ready && record.state.kind === 'running';
          this.publish();
        },
      );
      this.probers.set(record, prober);
      prober.start();
    }
    this.publish();
    return child;
  }

  /** A container exited: restart it per restartPolicy, after a back-off. */
  private onExit(record: ContainerRecord, init: boolean): void {
    this.probers.get(record)?.stop();
    this.probers.delete(record);
    record.ready = false;
    const exited = record.state;
    if (this.stopping || init || exited.kind !== 'terminated') {
      this.publish();
      return;
    }
    if (shouldRestart(this.pod.spec?.restartPolicy, exited.exitCode)) {
      const ranMs = exited.finishedAt.getTime() - exited.startedAt.getTime();
      if (ranMs > 10_000) {
        record.backoffMs = 1000; // it ran a while: not a crash loop
      }
      const delay = nextBackoff(record);
      record.lastTerminated = exited;
      record.state = {
        kind: 'waiting',
        reason: 'CrashLoopBackOff',
        message: `back-off ${delay / 1000}s restarting failed container=${
          record.spec.name
        } pod=${this.pod.metadata?.name}`,
      };
      this.later(() => {
        record.restartCount++;
        void this.launch(record);
      }, delay);
    }
    this.publish();
  }

  private fail(reason: string, message: string): void {
    this.state.phase = 'Failed';
    this.state.reason = reason;
    this.state.message = message;
    this.publish();
  }

  private publish(): void {
    if (this.gone) {
      return;
    }
    this.state.phase = podPhase(this.state);
    this.writer.write(buildPodStatus(this.state, this.clock));
  }

  /**
   * Starts `command` in a running container, as `kubectl exec` does: same
   * mounts, environment and user. Killed with the Pod.
   */
  exec(container: string, command: string[], stdio: StdioOptions) {
    if (!this.state.containers.some(c => c.spec.name === container)) {
      throw new Error(
        `container ${container} is not valid for pod ${this.pod.metadata?.name}`,
      );
    }
    if (this.gone) {
      throw new Error(`container ${container} is not running`);
    }
    return this.processes.exec(container, command, stdio);
  }

  /**
   * The log file of a container and whether it is running; `undefined` when
   * it never started (there is no log yet).
   */
  containerLog(container: string) {
    const all = [...this.state.containers, ...this.state.initContainers];
    const record = all.find(c => c.spec.name === container);
    if (!record?.started) {
      return undefined;
    }
    return {
      file: containerLogFile(this.context.dir, container),
      running: () =>
        !this.disposed && !this.lost && record.state.kind === 'running',
    };
  }

  /** SIGTERM, then SIGKILL after the grace period, then confirm the deletion. */
  private async terminateGracefully(): Promise<void> {
    this.terminating = true;
    this.stopTimersAndProbes();
    const graceSeconds =
      this.pod.metadata!.deletionGracePeriodSeconds ??
      this.pod.spec?.terminationGracePeriodSeconds ??
      30;
    await this.processes.stop(graceSeconds * 1000);
    if (this.gone) {
      return; // a lost node confirms nothing
    }
    this.publish();
    await this.writer.flush();
    await confirmDeletion(this.context.core, this.pod);
  }

  private stopTimersAndProbes(): void {
    this.timers.forEach(timer => clearTimeout(timer));
    this.timers.clear();
    this.probers.forEach(prober => prober.stop());
    this.probers.clear();
  }

  /**
   * The node is lost: everything dies at once and nothing is reported any
   * more; the Pod's Ready condition turns False, as the node lifecycle
   * controller would set it.
   */
  async lose(): Promise<void> {
    this.lost = true;
    this.stopTimersAndProbes();
    await this.writer.close();
    await this.processes.killAll();
    await markPodNotReady(this.context.core, this.pod);
  }

  /** Kills everything of the Pod at once and removes its files. Idempotent. */
  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      this.stopTimersAndProbes();
      await this.writer.close();
      await this.processes.killAll();
      if (this.state.podIP) {
        podAddresses.release(this.state.podIP);
      }
      await fs.promises.rm(this.context.dir, { recursive: true, force: true });
    })();
    return this.disposed;
  }
}
