import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { chmodSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { basaltPlugin } from '../../src/plugin';
import { basaltModuleEnginePostgresql } from '../../src/engines/postgresql';
import { basaltModuleEngineRedis } from '../../src/engines/redis';
import { killProcessesUnder } from '../../src/testUtils/killProcessesUnder';
import { sleep } from './time';

/**
 * A real Backstage backend with the Basalt plugin, PostgreSQL and Redis on
 * the local runtime.
 */
export interface BenchBackend {
  /** The local runtime's root directory (a fresh temporary one). */
  rootDir: string;
  /** `http://127.0.0.1:<port>/api/basalt/clusters` */
  api: string;
  /** GET `<api>/<namespace>/<name>`. */
  get(ref: string): Promise<ClusterResource>;
  /** GET `<api>/<namespace>/<name>`; undefined when it answers 404. */
  find(ref: string): Promise<ClusterResource | undefined>;
  /** POST `<api>` with the manifest; throws unless 200/201. */
  apply(manifest: object): Promise<void>;
  /** DELETE the cluster, not waiting for the deletion; throws unless 202. */
  requestDeletion(ref: string): Promise<void>;
  /** DELETE the cluster and wait (up to `timeoutMs`) until GET answers 404. */
  remove(ref: string, timeoutMs?: number): Promise<void>;
  /**
   * Stops the Backstage backend only: the engines keep running, as they do
   * when a backend is upgraded, until {@link BenchBackend.stop}.
   */
  stopBackend(): Promise<void>;
  /** Stops the backend, kills every engine under `rootDir` and removes it (once). */
  stop(): Promise<void>;
}

/** Where Backstage installs handlers that exit without killing the engines. */
const EVENTS = ['SIGINT', 'SIGTERM', 'beforeExit'] as const;

/**
 * Starts the backend in this process, as the benchmarks measure it: the
 * Basalt plugin with a 5 s resync (or the given `controller` config) and the
 * local runtime under a temporary directory that `nobody` (the engines'
 * user) can enter.
 *
 * Ctrl-C (SIGINT) or SIGTERM calls `onInterrupt`, stops the backend, kills
 * the engines (detached, they would outlive the process) and exits with 130;
 * a second one kills the engines and exits at once. Backstage's own handlers,
 * which stop the backend and exit 0 leaving the engines running, are removed.
 */
export async function startBenchBackend(
  options: {
    onInterrupt?: () => void;
    /**
     * More `basalt` configuration, e.g. a backup repository; its
     * `controller` and `runtimes`, if any, are replaced by the bench's.
     */
    basalt?: JsonObject;
    /** `basalt.controller` instead of the bench's 5 s resync. */
    controller?: JsonObject;
  } = {},
): Promise<BenchBackend> {
  const rootDir = mkdtempSync(join(tmpdir(), 'basalt-bench-'));
  chmodSync(rootDir, 0o755);
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const before = new Map(EVENTS.map(e => [e, process.listeners(e)]));
  try {
    backend = await startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        basaltModuleEngineRedis,
        mockServices.rootConfig.factory({
          data: {
            basalt: {
              ...options.basalt,
              controller: options.controller ?? { resyncInterval: '5s' },
              runtimes: { local: { rootDir } },
            },
          },
        }),
      ],
    });
  } catch (error) {
    rmSync(rootDir, { recursive: true, force: true });
    throw error;
  }
  for (const event of EVENTS) {
    const ours = before.get(event) ?? [];
    for (const listener of process.listeners(event)) {
      if (!ours.includes(listener)) process.removeListener(event, listener);
    }
  }
  let stopping: Promise<void> | undefined;
  let backendStopping: Promise<void> | undefined;
  const stopBackend = () => (backendStopping ??= backend.stop());
  const stop = () => {
    stopping ??= (async () => {
      try {
        await stopBackend();
      } finally {
        await killProcessesUnder(rootDir);
        rmSync(rootDir, { recursive: true, force: true });
      }
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`${signal} again: killing the engines and exiting`);
      // Its kills are sent before its first await.
      void killProcessesUnder(rootDir);
      process.exit(130);
    }
    console.error(`\n${signal}: stopping the backend and the engines…`);
    options.onInterrupt?.();
    stop().then(
      () => process.exit(130),
      error => {
        console.error(error);
        process.exit(130);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const address = backend.server.address() as { port: number };
  const api = `http://127.0.0.1:${address.port}/api/basalt/clusters`;

  return {
    rootDir,
    api,
    async get(ref) {
      const response = await fetch(`${api}/${ref}`);
      if (!response.ok) {
        throw new Error(
          `GET ${ref}: ${response.status} ${await response.text()}`,
        );
      }
      return (await response.json()) as ClusterResource;
    },
    async find(ref) {
      const response = await fetch(`${api}/${ref}`);
      if (response.status === 404) return undefined;
      if (!response.ok) {
        throw new Error(
          `GET ${ref}: ${response.status} ${await response.text()}`,
        );
      }
      return (await response.json()) as ClusterResource;
    },
    async requestDeletion(ref) {
      const response = await fetch(`${api}/${ref}`, { method: 'DELETE' });
      if (response.status !== 202) {
        throw new Error(
          `DELETE ${ref}: ${response.status} ${await response.text()}`,
        );
      }
    },
    async apply(manifest) {
      const response = await fetch(api, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(manifest),
      });
      if (response.status !== 200 && response.status !== 201) {
        throw new Error(`apply: ${response.status} ${await response.text()}`);
      }
    },
    async remove(ref, timeoutMs = 60_000) {
      const deadline = performance.now() + timeoutMs;
      await fetch(`${api}/${ref}`, { method: 'DELETE' });
      while ((await fetch(`${api}/${ref}`)).status !== 404) {
        if (performance.now() > deadline) {
          throw new Error(`${ref} still exists ${timeoutMs} ms after DELETE`);
        }
        await sleep(50);
      }
    },
    stopBackend,
    stop,
  };
}
