import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  BackupRecord,
  BasaltClient,
  ClusterResource,
  EngineClusterInput,
  InstanceStatus,
} from '@basalt/plugin-basalt-common';
import { chmodSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { basaltPlugin } from '../plugin';
import { basaltModuleEnginePostgresql } from '../engines/postgresql';
import { basaltModuleEngineRedis } from '../engines/redis';
import { eventually } from '../testUtils/eventually';
import { killProcessesUnder } from '../testUtils/killProcessesUnder';

/** A user the test permission policy lets read nothing. */
export const OUTSIDER = 'user:default/outsider';

/**
 * Denies `basalt.cluster.read` to {@link OUTSIDER} on every cluster, and
 * every permission on clusters named in `deniedClusters` to everyone;
 * allows the rest.
 */
function testPermissions(deniedClusters: string[]) {
  return mockServices.permissions.mock({
    // Creating a cluster also asks whether its owner could operate it.
    authorizeConditional: async requests =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    authorize: async (requests, options) => {
      const principal = options?.credentials.principal as {
        userEntityRef?: string;
      };
      return requests.map(request => {
        const ref = 'resourceRef' in request ? request.resourceRef : undefined;
        const denied =
          (ref && deniedClusters.includes(ref)) ||
          (principal.userEntityRef === OUTSIDER &&
            request.permission.name === 'basalt.cluster.read');
        return {
          result: denied ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
        };
      });
    },
  }).factory;
}

/**
 * Starts a Basalt backend over the local runtime with real PostgreSQL, in a
 * temporary root directory, for the tests of one file: registers
 * `beforeAll` and an `afterAll` that stops it and kills every engine process
 * it started, even when a test failed. Give each file its own port range,
 * as test files run in parallel.
 */
export function useTestBackend(options: {
  ports: { from: number; to: number };
  nodes?: string[];
  deniedClusters?: string[];
  /** Resync every second with the real scheduler, as in production. */
  resync?: boolean;
  /**
   * The `basalt.backups` config, given the root directory; by default a
   * `default` filesystem repository inside it, with housekeeping and WAL
   * archiving every second.
   */
  backups?: (rootDir: string) => JsonObject;
  /**
   * `basalt.runtimes.local.volumes`. Unset, the product default applies:
   * enforced, so clusters get loop-mounted volumes in the `default` pool
   * under the root directory (about 0.3 s of mkfs per instance) and run in
   * blkio throttle groups, as in production.
   */
  volumes?: { enforce: boolean };
  /** Also install the Redis engine (real redis-server), beside PostgreSQL. */
  redis?: boolean;
  /** More `basalt.controller` config, e.g. volume protection's watermarks. */
  controller?: JsonObject;
  /** `basalt.profiles`; none by default. */
  profiles?: JsonObject;
}) {
  let rootDir = '';
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;

  beforeAll(async () => {
    rootDir = mkdtempSync(join(tmpdir(), 'basalt-api-'));
    chmodSync(rootDir, 0o755); // the engine user must be able to reach it
    backend = await startTestBackend({
      features: [
        basaltPlugin,
        basaltModuleEnginePostgresql,
        ...(options.redis ? [basaltModuleEngineRedis] : []),
        testPermissions(options.deniedClusters ?? []),
        ...(options.resync ? [schedulerServiceFactory] : []),
        ...testLogger(),
        mockServices.rootConfig.factory({
          data: {
            basalt: {
              controller: {
                ...(options.resync && { resyncInterval: '1s' }),
                // Wider than the defaults (500 ms, 3 in a row): a test
                // machine busy with other files' engines and clones must
                // not make a slow primary look lost. A hung one is still
                // found within seconds.
                ha: { probeTimeout: '1s', failureThreshold: 5 },
                ...options.controller,
              },
              ...(options.profiles && { profiles: options.profiles }),
              backups: options.backups?.(rootDir) ?? {
                repositories: {
                  default: {
                    type: 'filesystem',
                    path: join(rootDir, 'backups'),
                  },
                },
                housekeepingInterval: '1s',
                logArchiveInterval: '1s',
              },
              runtimes: {
                local: {
                  rootDir,
                  nodes: options.nodes ?? ['node-a', 'node-b', 'node-c'],
                  ports: options.ports,
                  ...(options.volumes && { volumes: options.volumes }),
                },
              },
            },
          },
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    if (rootDir) {
      // Also unmounts and detaches the instances' volumes and removes their
      // throttle groups, without which the directory cannot be removed.
      await killProcessesUnder(rootDir);
      rmSync(rootDir, { recursive: true, force: true });
    }
  });

  /** A typed client; as `user` (a user entity ref) when given. */
  const client = (user?: string) => clientOf(backend!.server, user);

  return {
    get server() {
      return backend!.server;
    },
    get rootDir() {
      return rootDir;
    },
    client,
    /** Stops the backend early (afterAll's stop is then a no-op). */
    stop: () => backend!.stop(),
  };
}

/**
 * A typed client of the backend listening on `server`, signed in as `user`
 * (a user entity ref) or the default mock user.
 */
export function clientOf(
  server: { address(): unknown },
  user?: string,
): BasaltClient {
  const { port } = server.address() as { port: number };
  return new BasaltClient({
    discoveryApi: {
      getBaseUrl: async pluginId => `http://127.0.0.1:${port}/api/${pluginId}`,
    },
    fetchApi: {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: {
            ...(init?.headers as Record<string, string>),
            Authorization: mockCredentials.user.header(user),
          },
        }),
    },
  });
}

/** A PostgreSQL cluster's manifest that can be deleted without a backup. */
/** A cluster's manifest of `engine` in the `payments` namespace. */
function manifestOf(
  engine: string,
  name: string,
  spec: Partial<EngineClusterInput['spec']>,
): EngineClusterInput {
  return {
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: { name, namespace: 'payments' },
    spec: { engine, terminationPolicy: 'Delete', ...spec },
  };
}

/** A Redis cluster's manifest in the `payments` namespace. */
export const redisManifest = (
  name: string,
  spec: Partial<EngineClusterInput['spec']> = {},
) => manifestOf('redis', name, spec);

/** A PostgreSQL cluster's manifest in the `payments` namespace. */
export const postgresManifest = (
  name: string,
  spec: Partial<EngineClusterInput['spec']> = {},
) => manifestOf('postgresql', name, spec);

/**
 * Waits until the cluster is Ready with `replicas` instances for its
 * current generation, and (optionally) `also` holds. On timeout the error
 * tells what the cluster last looked like.
 */
export function untilReady(
  client: BasaltClient,
  ref: { namespace: string; name: string },
  replicas: number,
  also: (cluster: ClusterResource) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<ClusterResource> {
  const waiting = eventually(
    async () => {
      const cluster = await client.getCluster(ref);
      const ready = cluster.status?.conditions.find(c => c.type === 'Ready');
      if (
        cluster.status?.observedGeneration === cluster.metadata.generation &&
        ready?.status === 'True' &&
        cluster.status.instances.length === replicas &&
        cluster.status.instances.every(i => i.ready) &&
        also(cluster)
      ) {
        return cluster;
      }
      throw new Error(describeStatus(cluster));
    },
    {
      what: `${ref.namespace}/${ref.name} to be ready with ${replicas}`,
      timeoutMs,
    },
  );
  return waiting.catch(async error => {
    throw new Error(`${error.message}\n${await recentEvents(client, ref)}`);
  });
}

/** The cluster's last events, oldest first, one per line. */
async function recentEvents(
  client: BasaltClient,
  ref: { namespace: string; name: string },
): Promise<string> {
  try {
    const events = await client.listClusterEvents(ref, { limit: 20 });
    return `recent events:\n${events
      .map(e => `  ${e.timestamp} ${e.type} ${e.reason}: ${e.message}`)
      .reverse()
      .join('\n')}`;
  } catch (error) {
    return `no events: ${error}`;
  }
}

/**
 * The backend's log at the level `BASALT_TEST_LOG` names (e.g. `debug`),
 * to see what the controller did in a failing test; silent by default.
 */
function testLogger() {
  const level = process.env.BASALT_TEST_LOG;
  if (!level) return [];
  const levels = ['none', 'error', 'warn', 'info', 'debug'] as const;
  const known = levels.find(l => l === level);
  if (!known) {
    throw new Error(
      `BASALT_TEST_LOG: must be one of ${levels.join(', ')}, got "${level}"`,
    );
  }
  return [mockServices.rootLogger.factory({ level: known })];
}

/** Deletes the cluster and waits until it is gone (its engines stopped). */
export async function deleteAndWait(
  client: BasaltClient,
  ref: { namespace: string; name: string },
  timeoutMs = 60_000,
): Promise<void> {
  await client.deleteCluster(ref);
  await eventually(
    () =>
      client.getCluster(ref).then(
        () => undefined,
        error => {
          if (error.response?.status === 404) return true;
          throw error;
        },
      ),
    { what: `${ref.namespace}/${ref.name} to be deleted`, timeoutMs },
  );
}

/** Waits until the cluster, a restore, is ready and reports Restored. */
export function untilRestored(
  client: BasaltClient,
  ref: { namespace: string; name: string },
  replicas = 1,
  timeoutMs = 60_000,
): Promise<ClusterResource> {
  return untilReady(
    client,
    ref,
    replicas,
    cluster =>
      cluster.status!.conditions.some(
        c => c.type === 'Restored' && c.status === 'True',
      ),
    timeoutMs,
  );
}

/** Waits until a backup has finished, completed or failed. */
export function untilBackupFinished(
  client: BasaltClient,
  ref: { namespace: string; name: string },
  id: string,
  timeoutMs = 120_000,
): Promise<BackupRecord> {
  return eventually(
    async () => {
      const backup = await client.getBackup(ref, id);
      return backup.phase === 'Running' ? undefined : backup;
    },
    {
      what: `backup ${id} of ${ref.namespace}/${ref.name} to finish`,
      timeoutMs,
    },
  );
}

/** The cluster's primary instance; throws when it has none. */
export function primaryOf(cluster: ClusterResource): InstanceStatus {
  const primary = cluster.status?.instances.find(i => i.role === 'primary');
  if (!primary) throw new Error(`${describeStatus(cluster)}: no primary`);
  return primary;
}

/** The cluster's conditions and instances, in one line. */
function describeStatus(cluster: ClusterResource): string {
  const status = cluster.status;
  if (!status) return 'no status yet';
  const conditions = status.conditions.map(
    c => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ''}`,
  );
  const instances = status.instances.map(
    i =>
      `${i.name}:${i.role ?? '?'}${
        i.ready ? '' : ` not ready (${i.message ?? 'no reason given'})`
      }`,
  );
  return `generation ${cluster.metadata.generation} observed ${
    status.observedGeneration
  }; ${conditions.join(', ')}; instances ${instances.join(', ') || 'none'}`;
}
