import fs from 'node:fs/promises';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ForwardedError, InputError, NotFoundError } from '@backstage/errors';
import {
  ClusterKey,
  EngineAddress,
  EngineUnavailableError,
  InstanceRequest,
  RuntimeEvent,
  RuntimeInstance,
} from '@basalt/plugin-basalt-node';
import {
  checkEngineUserCanReach,
  chownToEngineUser,
  EngineUser,
} from './engineUser';
import { removeDirAndEmptyParents, tailLines } from './files';
import { KeyedMutex } from './KeyedMutex';
import {
  instanceLabel,
  InstancePaths,
  InstanceRecord,
  LocalLayout,
  readInstanceRecord,
  readOwnInstanceRecord,
  writeInstanceRecord,
} from './layout';
import { engineEnvironment, LocalEngineHost } from './LocalEngineHost';
import { PortAllocator } from './PortAllocator';
import { ProcessSupervisor, ServerSpec } from './ProcessSupervisor';
import { checkEnginePrograms } from './enginePrograms';

/** What {@link InstanceManager} works with. */
export interface InstanceManagerOptions {
  host: string;
  nodes: string[];
  binDirs: Partial<Record<string, string>>;
  layout: LocalLayout;
  user: EngineUser;
  ports: PortAllocator;
  supervisor: ProcessSupervisor;
  logger: LoggerService;
  emit: (event: RuntimeEvent) => void;
}

/**
 * The lifecycle of local instances: creates their directories and data with
 * the engine's driver, runs (or adopts) their servers, and removes them.
 * Operations on one instance run one at a time.
 */
export class InstanceManager {
  private readonly mutex = new KeyedMutex();

  constructor(private readonly options: InstanceManagerOptions) {}

  async list(cluster: ClusterKey): Promise<RuntimeInstance[]> {
    const { layout, nodes } = this.options;
    const instances: RuntimeInstance[] = [];
    for (const paths of await layout.findInstances(nodes, cluster)) {
      const record = await readInstanceRecord(paths).catch(() => undefined);
      if (record?.cluster.uid === cluster.uid) {
        instances.push(await this.describe(paths, record));
      }
    }
    return instances;
  }

  ensure(request: InstanceRequest): Promise<RuntimeInstance> {
    return this.mutex.run(instanceKey(request.cluster, request.name), () =>
      this.ensureNow(request),
    );
  }

  /** The instance's log file; throws NotFoundError for an unknown instance. */
  async logFile(cluster: ClusterKey, name: string): Promise<string> {
    const paths = await this.findOwned(cluster, name);
    if (paths) return paths.logFile;
    throw new NotFoundError(
      `Instance ${instanceLabel(cluster, name)} not found`,
    );
  }

  /** Stops the instance's server, leaving its data; see Runtime.stopInstance. */
  stop(
    cluster: ClusterKey,
    name: string,
    mode: 'clean' | 'kill',
  ): Promise<void> {
    return this.mutex.run(instanceKey(cluster, name), async () => {
      const paths = await this.findOwned(cluster, name);
      if (!paths) return;
      await this.options.supervisor.stop(
        paths.dir,
        serverIdentity(paths),
        mode,
      );
      this.options.logger.info(
        `Stopped instance ${instanceLabel(cluster, name)} (${mode})`,
      );
    });
  }

  /** Where this cluster's instance `name` lives, on whichever node. */
  private async findOwned(
    cluster: ClusterKey,
    name: string,
  ): Promise<InstancePaths | undefined> {
    for (const node of this.options.nodes) {
      const paths = this.options.layout.instance(node, cluster, name);
      const record = await readInstanceRecord(paths).catch(() => undefined);
      if (record?.cluster.uid === cluster.uid) return paths;
    }
    return undefined;
  }

  remove(cluster: ClusterKey, name: string): Promise<void> {
    return this.mutex.run(instanceKey(cluster, name), async () => {
      for (const node of this.options.nodes) {
        const paths = this.options.layout.instance(node, cluster, name);
        const record = await readInstanceRecord(paths);
        // Not found, or not this cluster's: nothing of ours to remove.
        if (record?.cluster.uid === cluster.uid) {
          await this.discard(paths, record);
          this.options.logger.info(
            `Removed instance ${instanceLabel(
              cluster,
              name,
            )} from node ${node}`,
          );
        }
      }
    });
  }

  private async ensureNow(request: InstanceRequest): Promise<RuntimeInstance> {
    const label = instanceLabel(request.cluster, request.name);
    const binDir = this.binDirOf(request.driver.engine);
    await checkEnginePrograms(
      request.driver.engine,
      binDir,
      request.driver.programs,
    );
    await checkEngineUserCanReach(
      this.options.layout.rootDir,
      this.options.user,
    );
    const existing = await this.findExisting(request);
    if (existing && request.restartedAt) {
      await this.stopIfStartedBefore(existing, request.restartedAt, label);
    }
    const paths = existing ?? (await this.create(request, binDir));
    // Instances created before WAL archiving existed have none yet.
    await this.ensureArchiveDir(paths);
    const record = (await readInstanceRecord(paths))!;
    const host = this.engineHost(paths, record.port, binDir);
    if (existing && request.role?.role === 'replica') {
      await this.prepareReplica(request, paths, host, request.role.primary);
    }
    try {
      const startedAt = Date.now();
      const { pid, started } = await this.options.supervisor.ensureRunning(
        paths.dir,
        this.serverSpec(request, paths, host, binDir),
      );
      if (started) {
        const ms = Date.now() - startedAt;
        this.options.logger.info(
          `Started instance ${label} (pid ${pid}, port ${record.port}) in ${ms} ms`,
        );
      }
    } catch (error) {
      if (existing) {
        throw new ForwardedError(`Could not start instance ${label}`, error);
      }
      await this.discard(paths, record);
      throw new ForwardedError(
        `Could not start instance ${label}; removed it`,
        error,
      );
    }
    return {
      ...this.toInstance(record),
      running: true,
      startedAt: await this.options.supervisor.startedAt(serverIdentity(paths)),
    };
  }

  /**
   * Readies a stopped instance's data to start as a replica of `primary`
   * (a former primary is rewound first); a running one is left alone, the
   * controller re-points running replicas itself.
   */
  private async prepareReplica(
    request: InstanceRequest,
    paths: InstancePaths,
    host: LocalEngineHost,
    primary: EngineAddress,
  ): Promise<void> {
    if (await this.options.supervisor.runningPid(serverIdentity(paths))) {
      return;
    }
    const startedAt = Date.now();
    const { rewound } = await request.driver.prepareReplica(
      host,
      request.context,
      { name: request.name, primary },
    );
    this.options.logger.info(
      `Prepared instance ${instanceLabel(
        request.cluster,
        request.name,
      )} to replicate from ${primary.host}:${primary.port}${
        rewound ? ', rewound to the new primary' : ''
      } in ${Date.now() - startedAt} ms`,
    );
  }

  /**
   * Stops a server that started before a requested restart, so that
   * ensureNow starts it again; one started since is left running, which
   * makes a restart request safe to repeat.
   */
  private async stopIfStartedBefore(
    paths: InstancePaths,
    restartedAt: string,
    label: string,
  ): Promise<void> {
    const identity = serverIdentity(paths);
    const startedAt = await this.options.supervisor.startedAt(identity);
    if (!startedAt || Date.parse(startedAt) >= Date.parse(restartedAt)) {
      return;
    }
    await this.options.supervisor.stop(paths.dir, identity);
    this.options.logger.info(
      `Stopped instance ${label} to restart it (started ${startedAt}, restart requested ${restartedAt})`,
    );
  }

  /**
   * The instance's directory if it exists on any node. Directories that are
   * not this cluster's are never touched; one whose creation was interrupted
   * (by a crash) is removed so it can be created afresh.
   */
  private async findExisting(
    request: InstanceRequest,
  ): Promise<InstancePaths | undefined> {
    const { cluster, name } = request;
    for (const node of this.options.nodes) {
      const paths = this.options.layout.instance(node, cluster, name);
      const record = await readOwnInstanceRecord(paths, cluster);
      if (!record) continue;
      if (record.state === 'initialized') {
        return paths;
      }
      const label = instanceLabel(cluster, name);
      this.options.logger.warn(
        `Removing instance ${label}, whose creation was interrupted`,
      );
      await this.discard(paths, record);
    }
    return undefined;
  }

  /** Creates the instance's directory and data; on failure, removes both. */
  private async create(
    request: InstanceRequest,
    binDir: string,
  ): Promise<InstancePaths> {
    const { cluster, name, node, driver, context } = request;
    const { nodes, layout, ports } = this.options;
    if (!nodes.includes(node)) {
      throw new InputError(
        `Unknown node '${node}'; the local runtime has ${nodes.join(', ')}`,
      );
    }
    const paths = layout.instance(node, cluster, name);
    await fs.mkdir(paths.dir, { recursive: true, mode: 0o755 });
    const record: InstanceRecord = {
      cluster,
      instance: name,
      node,
      engine: driver.engine,
      version: context.spec.version,
      port: await ports.allocate(),
      state: 'initializing',
    };
    try {
      // Recorded first: the port is then taken for every later allocation.
      await writeInstanceRecord(paths, record);
      await this.ensureArchiveDir(paths);
      await this.initialize(request, paths, record, binDir);
      await writeInstanceRecord(paths, { ...record, state: 'initialized' });
      return paths;
    } catch (error) {
      await this.discard(paths, record);
      throw new ForwardedError(
        `Could not create instance ${instanceLabel(
          cluster,
          name,
        )}; removed what was made`,
        error,
      );
    }
  }

  /** Has the driver create the instance's data in a fresh data directory. */
  private async initialize(
    request: InstanceRequest,
    paths: InstancePaths,
    record: InstanceRecord,
    binDir: string,
  ): Promise<void> {
    const { driver, context, bootstrap } = request;
    await fs.mkdir(paths.dataDir, { mode: 0o700 });
    await chownToEngineUser(paths.dataDir, this.options.user);
    const host = this.engineHost(paths, record.port, binDir);
    const startedAt = Date.now();
    if (bootstrap.from === 'scratch') {
      await driver.initializePrimary(host, context);
    } else if (bootstrap.from === 'restore') {
      await bootstrap.restore(host);
    } else {
      await driver.initializeReplica(host, context, bootstrap.source);
    }
    const ms = Date.now() - startedAt;
    this.options.logger.info(
      `Created instance ${instanceLabel(
        request.cluster,
        request.name,
      )} on node ${record.node} (from ${bootstrap.from}) in ${ms} ms`,
    );
  }

  /**
   * Creates the directory the engine leaves WAL files in for archiving;
   * only the engine's user (and the backend) may enter it.
   */
  private async ensureArchiveDir(paths: InstancePaths): Promise<void> {
    try {
      await fs.mkdir(paths.archiveDir, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw error;
    }
    await chownToEngineUser(paths.archiveDir, this.options.user);
  }

  /** Stops the instance's server and removes its directory. */
  private async discard(paths: InstancePaths, record: InstanceRecord) {
    await this.options.supervisor.stop(paths.dir, serverIdentity(paths));
    // Up to the node's directory, which stands for the node itself.
    await removeDirAndEmptyParents(
      paths.dir,
      this.options.layout.nodeDir(record.node),
    );
    this.options.ports.release(record.port);
  }

  private async describe(
    paths: InstancePaths,
    record: InstanceRecord,
  ): Promise<RuntimeInstance> {
    const pid =
      record.state === 'initialized'
        ? await this.options.supervisor.runningPid(serverIdentity(paths))
        : undefined;
    const instance = { ...this.toInstance(record), running: !!pid };
    if (pid !== undefined) {
      instance.startedAt = await this.options.supervisor.startedAt(
        serverIdentity(paths),
      );
    }
    if (record.state === 'initializing') {
      instance.message = 'Its data is being created';
    } else if (pid === undefined) {
      const tail = await tailLines(paths.logFile, 10);
      instance.message = `Not running${
        tail ? `; last lines of its log:\n${tail}` : ''
      }`;
    }
    return instance;
  }

  private toInstance(record: InstanceRecord): RuntimeInstance {
    return {
      name: record.instance,
      node: record.node,
      address: { host: this.options.host, port: record.port },
      running: false,
    };
  }

  private serverSpec(
    request: InstanceRequest,
    paths: InstancePaths,
    host: LocalEngineHost,
    binDir: string,
  ): ServerSpec {
    return {
      ...request.driver.serverCommand(host),
      ...serverIdentity(paths),
      cwd: paths.dataDir,
      env: engineEnvironment(binDir),
      logFile: paths.logFile,
      address: host.address,
      onExit: message =>
        this.options.emit({
          type: 'instance-exited',
          cluster: request.cluster,
          instance: request.name,
          message,
          timestamp: new Date().toISOString(),
        }),
    };
  }

  private engineHost(paths: InstancePaths, port: number, binDir: string) {
    return new LocalEngineHost({
      dataDir: paths.dataDir,
      scratchDir: paths.dir,
      address: { host: this.options.host, port },
      binDir,
      user: this.options.user,
      archiveDir: paths.archiveDir,
    });
  }

  private binDirOf(engine: string): string {
    const dir = this.options.binDirs[engine];
    if (!dir) {
      throw new EngineUnavailableError(
        `The local runtime cannot run ${engine}: set basalt.runtimes.local.${engine}.binDir`,
      );
    }
    return dir;
  }
}

// The server's command line names its data directory (e.g. `postgres -D
// <data>`), which tells it from an unrelated process that reuses its pid.
function serverIdentity(paths: InstancePaths) {
  return { pidFile: paths.pidFile, marker: paths.dataDir };
}

function instanceKey(cluster: ClusterKey, name: string): string {
  return `${cluster.namespace}/${cluster.name}/${name}`;
}
