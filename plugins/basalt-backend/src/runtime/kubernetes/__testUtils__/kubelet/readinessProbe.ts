import http from 'node:http';
import { V1Container, V1Probe } from '@kubernetes/client-node';
import { acceptsConnections } from '../../../local/processes';

/** What a probe runs against. */
export interface ProbeTarget {
  podIP: string;
  container: V1Container;
  /** Runs a command as an exec into the container would; its exit code. */
  exec(command: string[], timeoutMs: number): Promise<number>;
}

/** Resolves a probe's port, which may name one of the container's ports. */
function probePort(port: number | string, container: V1Container): number {
  if (typeof port === 'number' || /^\d+$/.test(port)) {
    return Number(port);
  }
  const named = container.ports?.find(p => p.name === port);
  if (!named) {
    throw new Error(`container ${container.name} has no port named ${port}`);
  }
  return named.containerPort;
}

/** Whether an HTTP GET answers 200-399 within `timeoutMs`. */
function httpOk(
  host: string,
  port: number,
  path: string,
  timeoutMs: number,
): Promise<boolean> {
  return new Promise(resolve => {
    const request = http.get(
      { host, port, path, timeout: timeoutMs },
      response => {
        response.resume();
        const code = response.statusCode ?? 0;
        resolve(code >= 200 && code < 400);
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/**
 * Runs a container's readiness probe as kubelet does: first after
 * `initialDelaySeconds`, then every `periodSeconds`; readiness flips after
 * `successThreshold` successes or `failureThreshold` failures in a row.
 */
export class ReadinessProber {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private ready = false;
  private successes = 0;
  private failures = 0;

  constructor(
    private readonly probe: V1Probe,
    private readonly target: ProbeTarget,
    private readonly onChange: (ready: boolean) => void,
  ) {}

  /** Schedules the first probe. */
  start(): void {
    this.schedule((this.probe.initialDelaySeconds ?? 0) * 1000);
  }

  /** Stops probing; the result of a probe under way is dropped. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.runOnce(), delayMs);
    }
  }

  private async runOnce(): Promise<void> {
    const ok = await this.check().catch(() => false);
    if (this.stopped) {
      return;
    }
    if (ok) {
      this.successes++;
      this.failures = 0;
      if (!this.ready && this.successes >= (this.probe.successThreshold ?? 1)) {
        this.ready = true;
        this.onChange(true);
      }
    } else {
      this.failures++;
      this.successes = 0;
      if (this.ready && this.failures >= (this.probe.failureThreshold ?? 3)) {
        this.ready = false;
        this.onChange(false);
      }
    }
    this.schedule((this.probe.periodSeconds ?? 10) * 1000);
  }

  private async check(): Promise<boolean> {
    const { probe, target } = this;
    const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
    if (probe.exec?.command?.length) {
      return (await target.exec(probe.exec.command, timeoutMs)) === 0;
    }
    if (probe.tcpSocket) {
      const port = probePort(probe.tcpSocket.port, target.container);
      return acceptsConnections(
        probe.tcpSocket.host ?? target.podIP,
        port,
        timeoutMs,
      );
    }
    if (probe.httpGet) {
      const port = probePort(probe.httpGet.port, target.container);
      const host = probe.httpGet.host ?? target.podIP;
      return httpOk(host, port, probe.httpGet.path ?? '/', timeoutMs);
    }
    throw new Error('probe without exec, tcpSocket or httpGet');
  }
}
