import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { BasaltClient } from '@basalt/plugin-basalt-common';
import { KubeConfig } from '@kubernetes/client-node';
import { basaltPlugin } from '../../src/plugin';
import { basaltModuleEnginePostgresql } from '../../src/engines/postgresql';
import {
  DataPlane,
  kubernetesRuntimeConfig,
  startDataPlane,
} from '../../src/__testUtils__/kubernetesBackend';
import { clientOf } from '../../src/__testUtils__/testBackend';

/** A Basalt backend on the kubernetes runtime over a real data plane. */
export interface KubeBenchBackend {
  plane: DataPlane;
  /** The administrator's client configuration, to look at and break Pods. */
  admin: KubeConfig;
  /** A typed client of the backend. */
  client: BasaltClient;
  /** Stops the backend, then the data plane (once). */
  stop(): Promise<void>;
}

/** Where Backstage installs handlers that would exit leaving the plane up. */
const EVENTS = ['SIGINT', 'SIGTERM', 'beforeExit'] as const;

/**
 * Starts a data plane of `nodes` real nodes (see `startDataPlane`: it waits
 * for the machine-wide lock while another holds one) and a backend in this
 * process on its kubernetes runtime, configured as the kubernetes
 * integration tests configure theirs, with `controller` as
 * `basalt.controller`.
 *
 * Ctrl-C (SIGINT) or SIGTERM stops the backend and the data plane (its
 * containers, which outlive their containerd, included) and exits with
 * 130; during the data plane's start it does so once the start is over. A
 * second one exits at once: the next data plane's start removes what is
 * left.
 */
export async function startKubeBenchBackend(options: {
  nodes: number;
  controller: JsonObject;
  /** `basalt.resourceClasses`; the product's defaults when unset. */
  resourceClasses?: JsonObject;
}): Promise<KubeBenchBackend> {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-bench-kube-'));
  let plane: DataPlane | undefined;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  let starting: Promise<unknown> = Promise.resolve();
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Whatever is starting (the data plane, then the backend) first.
      for (let current; current !== starting; ) {
        current = starting;
        await current.catch(() => {});
      }
      try {
        await backend?.stop();
      } finally {
        try {
          await plane?.stop();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`${signal} again: exiting now`);
      process.exit(130);
    }
    console.error(
      `\n${signal}: stopping the backend and the data plane (again to exit at once)…`,
    );
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

  try {
    starting = startDataPlane(options.nodes);
    plane = (await starting) as DataPlane;
    writeFileSync(
      join(dir, 'kubeconfig'),
      plane.backendKubeConfig().exportConfig(),
      { mode: 0o600 },
    );
    const before = new Map(EVENTS.map(e => [e, process.listeners(e)]));
    starting = startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        schedulerServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            basalt: {
              controller: options.controller,
              ...(options.resourceClasses && {
                resourceClasses: options.resourceClasses,
              }),
              profiles: {
                kubernetes: {
                  runtime: 'kubernetes',
                  engines: { postgresql: ['15'] },
                },
              },
              runtimes: {
                kubernetes: kubernetesRuntimeConfig(
                  plane,
                  join(dir, 'kubeconfig'),
                  'podNetwork',
                ),
              },
              volumePools: {
                default: { path: join(dir, 'pools', 'default') },
              },
              backups: {
                repositories: {
                  default: { type: 'filesystem', path: join(dir, 'backups') },
                },
              },
            },
          },
        }),
      ],
    });
    backend = (await starting) as typeof backend;
    for (const event of EVENTS) {
      const ours = before.get(event) ?? [];
      for (const listener of process.listeners(event)) {
        if (!ours.includes(listener)) process.removeListener(event, listener);
      }
    }
  } catch (error) {
    starting = Promise.resolve();
    await stop();
    throw error;
  }
  return {
    plane,
    admin: plane.admin(),
    client: clientOf(backend!.server),
    stop,
  };
}
