import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { basaltPlugin } from '../../plugin';
import { MemoryDriver } from './MemoryDriver';
import { memoryEngineModule } from './memoryEngineModule';
import { MemoryRuntime } from './MemoryRuntime';
import { MemoryWorld } from './MemoryWorld';

/** A real backend over the in-memory engine and runtime, for one test file. */
export interface MemoryBackend {
  world: MemoryWorld;
  runtime: MemoryRuntime;
  backend: Awaited<ReturnType<typeof startTestBackend>>;
  /** Where its backups go (a filesystem repository named `default`). */
  backupsDir: string;
  /** Stops the backend and removes its directories. */
  stop(): Promise<void>;
}

/**
 * Starts the Basalt plugin with the in-memory engine installed through its
 * module, on `nodes`, with Backstage's real scheduler, a 1 s resync and a
 * filesystem backup repository; `basalt` config is merged over that, other
 * `config` beside it, and `features` added (e.g. a permissions mock).
 */
export async function startMemoryBackend(
  options: {
    nodes?: string[];
    basalt?: JsonObject;
    /** Other top-level config, e.g. `permission`. */
    config?: JsonObject;
    features?: BackendFeature[];
  } = {},
): Promise<MemoryBackend> {
  const nodes = options.nodes ?? ['node-a', 'node-b', 'node-c'];
  const world = new MemoryWorld();
  const runtime = new MemoryRuntime(world, nodes);
  const rootDir = mkdtempSync(path.join(os.tmpdir(), 'basalt-memory-'));
  const backupsDir = path.join(rootDir, 'backups');
  const backend = await startTestBackend({
    features: [
      basaltPlugin,
      memoryEngineModule(new MemoryDriver(world), runtime),
      schedulerServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          basalt: {
            controller: { resyncInterval: '1s' },
            runtimes: { local: { rootDir, nodes } },
            ...options.basalt,
            backups: {
              repositories: {
                default: { type: 'filesystem', path: backupsDir },
              },
              ...(options.basalt?.backups as JsonObject | undefined),
            },
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  return {
    world,
    runtime,
    backend,
    backupsDir,
    stop: async () => {
      await backend.stop();
      rmSync(rootDir, { recursive: true, force: true });
    },
  };
}
