import fs from 'node:fs/promises';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  ClusterEndpoints,
  CredentialsReference,
} from '@basalt/plugin-basalt-common';
import {
  ClusterCredentials,
  ClusterKey,
  EngineHost,
  EndpointTargets,
  InstanceRequest,
  LogReadOptions,
  Runtime,
  RuntimeEvent,
  RuntimeInstance,
  ResourceEnforcement,
  RuntimeNode,
  VolumeEnforcement,
  VolumeUsage,
} from '@basalt/plugin-basalt-node';
import { CertificatePolicy, ClusterCertificates } from '../certificates';
import { CredentialsStore } from './CredentialsStore';
import { EndpointManager } from './EndpointManager';
import {
  checkEngineUserCanReach,
  EngineUser,
  resolveEngineUser,
} from './engineUser';
import { followLog } from './followLog';
import { InstanceManager } from './InstanceManager';
import { LocalEngine } from './LocalEngine';
import { InstanceVolumes } from './InstanceVolumes';
import { InstanceResourceLimits } from './InstanceResourceLimits';
import { LocalArchiveSpool } from './LocalArchiveSpool';
import { instanceLabel, LocalLayout } from './layout';
import { PortAllocator, PortRange } from './PortAllocator';
import { ProcessSupervisor } from './ProcessSupervisor';
import { RuntimeEvents } from '../RuntimeEvents';

/** Engines and endpoints listen here only. */
const HOST = '127.0.0.1';

/**
 * Options of {@link LocalRuntime.create}.
 *
 * @public
 */
export interface LocalRuntimeOptions {
  /** Where instances' data, endpoint state and credentials are kept. */
  rootDir: string;
  /** Names of the virtual nodes instances are placed on. */
  nodes: string[];
  /**
   * The unprivileged user engines run as when the backend runs as root
   * (engines refuse to run as root). Defaults to `nobody`.
   */
  user?: string;
  /**
   * The engines it runs, by engine id: where each one's programs are and
   * how its server runs (see `localEngines`).
   */
  engines: Partial<Record<string, LocalEngine>>;
  /** Ports for instances and endpoints, on 127.0.0.1. */
  portRange: PortRange;
  logger: LoggerService;
  /**
   * `basalt.runtimes.local.volumes`. With `enforce` (the default), an
   * instance asked for with a volume gets a loop-mounted image in its pool
   * (a hard capacity cap) and runs in a blkio throttle group (a hard
   * throughput cap), where the host allows it (Linux, root, the tools);
   * otherwise, or with `enforce: false`, its data is a plain directory and
   * {@link LocalRuntime.volumeEnforcement} says why.
   */
  volumes?: { enforce?: boolean };
  /** Validity and renewal of clusters' server certificates; defaults in {@link CertificatePolicy}. */
  certificates?: CertificatePolicy;
}

/**
 * The `local` runtime: runs each instance as an engine server process on
 * this host, in a directory per virtual node, listening on 127.0.0.1 only.
 * Servers are detached and outlive the backend; a new backend adopts them
 * from their pid files instead of starting them again. Endpoints are
 * in-process TCP proxies on stable ports; credentials are 0600 files.
 *
 * @public
 */
export class LocalRuntime implements Runtime {
  readonly name = 'local';
  /** The instances' archive directories, where they leave completed WAL. */
  readonly archive: LocalArchiveSpool;

  private readonly supervisor: ProcessSupervisor;
  private readonly instances: InstanceManager;
  private readonly volumes: InstanceVolumes;
  private readonly limits: InstanceResourceLimits;
  private readonly endpoints: EndpointManager;
  private readonly credentials: CredentialsStore;
  private readonly events: RuntimeEvents;

  /**
   * Checks that engines can run under `rootDir`: the engine user must be able
   * to reach it. Throws an `EngineUnavailableError` that says what to change.
   */
  async checkEngineAccess(): Promise<void> {
    await checkEngineUserCanReach(this.layout.rootDir, this.user);
  }

  /** Where the programs of `engine` are here; undefined when it does not run here. */
  binDirOf(engine: string): string | undefined {
    return this.options.engines[engine]?.binDir;
  }

  /** Creates the runtime: resolves the engine user and creates `rootDir`. */
  static async create(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    if (options.nodes.length === 0) {
      throw new InputError('The local runtime needs at least one node');
    }
    const layout = new LocalLayout(path.resolve(options.rootDir));
    options.nodes.forEach(node => layout.nodeDir(node)); // fail fast on bad names
    // 0755: the engine user must be able to reach its data directories.
    await fs.mkdir(layout.rootDir, { recursive: true, mode: 0o755 });
    // A virtual node is its directory: there when the runtime starts, and
    // lost (not ready, its instances gone) if it disappears.
    for (const node of options.nodes) {
      await fs.mkdir(layout.nodeDir(node), { recursive: true, mode: 0o755 });
    }
    const user = await resolveEngineUser(options.user ?? 'nobody');
    return new LocalRuntime(options, layout, user);
  }

  private constructor(
    private readonly options: LocalRuntimeOptions,
    private readonly layout: LocalLayout,
    private readonly user: EngineUser,
  ) {
    this.events = new RuntimeEvents(options.logger, event =>
      instanceLabel(event.cluster, event.instance),
    );
    this.supervisor = new ProcessSupervisor({
      user,
      startTimeoutMs: 15_000,
      stopTimeoutMs: 10_000,
      // Adopted servers are not our children: their exit is polled for.
      pollIntervalMs: 500,
    });
    const ports = new PortAllocator(options.portRange, async () => [
      ...(await layout.allInstanceRecords()).map(record => record.port),
      ...(await this.endpoints.recordedPorts()),
    ]);
    this.volumes = new InstanceVolumes({
      enforce: options.volumes?.enforce ?? true,
      user,
      logger: options.logger,
    });
    this.limits = new InstanceResourceLimits({ user });
    this.instances = new InstanceManager({
      host: HOST,
      nodes: options.nodes,
      engines: options.engines,
      layout,
      user,
      ports,
      supervisor: this.supervisor,
      volumes: this.volumes,
      limits: this.limits,
      logger: options.logger,
      emit: event => this.events.emit(event),
    });
    this.endpoints = new EndpointManager({
      host: HOST,
      dir: layout.endpointsDir,
      fileOf: cluster => layout.endpointsFile(cluster),
      ports,
      logger: options.logger,
    });
    this.archive = new LocalArchiveSpool(layout, options.nodes);
    this.credentials = new CredentialsStore(
      layout.credentialsDir,
      cluster => layout.credentialsFile(cluster),
      new ClusterCertificates(options.certificates),
    );
  }

  async listNodes(): Promise<RuntimeNode[]> {
    return Promise.all(
      this.options.nodes.map(async name => ({
        name,
        ready: await fs.stat(this.layout.nodeDir(name)).then(
          stat => stat.isDirectory(),
          () => false,
        ),
      })),
    );
  }

  listInstances(cluster: ClusterKey): Promise<RuntimeInstance[]> {
    return this.instances.list(cluster);
  }

  ensureInstance(request: InstanceRequest): Promise<RuntimeInstance> {
    return this.instances.ensure(request);
  }

  writeConfiguration(request: InstanceRequest): Promise<void> {
    return this.instances.writeConfiguration(request);
  }

  volumeEnforcement(): Promise<VolumeEnforcement> {
    return this.volumes.enforcement();
  }

  /**
   * Whether instances asked for with resources run in cgroup v1 cpu and
   * memory groups with those limits (as root, where the controllers are
   * mounted), and if not, why.
   */
  resourceEnforcement(): Promise<ResourceEnforcement> {
    return this.limits.enforcement();
  }

  volumeUsage(
    cluster: ClusterKey,
    instance: string,
  ): Promise<VolumeUsage | undefined> {
    return this.instances.usage(cluster, instance);
  }

  stalledProcess(
    cluster: ClusterKey,
    instance: string,
  ): Promise<string | undefined> {
    return this.instances.stalledProcess(cluster, instance);
  }

  /** Reads the instance's `server.log`, which the engine's stderr appends to. */
  async *readLogs(
    cluster: ClusterKey,
    instance: string,
    options: LogReadOptions,
  ): AsyncGenerator<string> {
    yield* followLog(await this.instances.logFile(cluster, instance), options);
  }

  stopInstance(
    cluster: ClusterKey,
    name: string,
    mode: 'kill' | 'clean',
  ): Promise<void> {
    return this.instances.stop(cluster, name, mode);
  }

  removeInstance(cluster: ClusterKey, name: string): Promise<void> {
    return this.instances.remove(cluster, name);
  }

  instanceHost(
    cluster: ClusterKey,
    name: string,
    engine: string,
  ): Promise<EngineHost> {
    return this.instances.host(cluster, name, engine);
  }

  ensureEndpoints(
    cluster: ClusterKey,
    targets: EndpointTargets,
  ): Promise<ClusterEndpoints> {
    return this.endpoints.ensure(cluster, targets);
  }

  removeEndpoints(cluster: ClusterKey): Promise<void> {
    return this.endpoints.remove(cluster);
  }

  ensureCredentials(
    cluster: ClusterKey,
    accounts: string[],
  ): Promise<{
    credentials: ClusterCredentials;
    reference: CredentialsReference;
  }> {
    return this.credentials.ensure(cluster, accounts);
  }

  async rotatePassword(cluster: ClusterKey, account: string): Promise<void> {
    await this.credentials.ensure(cluster, [account], [account]);
  }

  removeCredentials(cluster: ClusterKey): Promise<void> {
    return this.credentials.remove(cluster);
  }

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    return this.events.subscribe(listener);
  }

  /**
   * Closes the endpoints and stops watching processes. Engine servers keep
   * running on purpose, their volumes mounted: the next runtime over the
   * same root adopts them.
   */
  async stop(): Promise<void> {
    this.events.clear();
    this.supervisor.close();
    await this.endpoints.close();
  }
}
