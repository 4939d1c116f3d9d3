import { LoggerService } from '@backstage/backend-plugin-api';
import { ForwardedError, NotFoundError } from '@backstage/errors';
import {
  ClusterKey,
  EngineProcess,
  InstanceRequest,
  ReplicationSource,
  RuntimeEvent,
  RuntimeInstance,
  VolumeUsage,
} from '@basalt/plugin-basalt-node';
import { checkEngineUserCanReach, EngineUser } from './engineUser';
import { KeyedMutex } from '../KeyedMutex';
import {
  instanceLabel,
  InstancePaths,
  InstanceRecord,
  LocalLayout,
  onVolume,
  readInstanceRecord,
  readOwnInstanceRecord,
} from './layout';
import { engineEnvironment, LocalEngineHost } from './LocalEngineHost';
import { PortAllocator } from './PortAllocator';
import { ProcessSupervisor, ServerSpec } from './ProcessSupervisor';
import { checkEnginePrograms } from './enginePrograms';
import { LocalEngine, localEngineOf, stopSignalOf } from './LocalEngine';
import { InstanceBuilder } from './InstanceBuilder';
import { InstanceLookup, serverIdentity } from './InstanceLookup';
import { InstanceVolumes } from './InstanceVolumes';
import { InstanceResourceLimits } from './InstanceResourceLimits';

/** What {@link InstanceManager} works with. */
export interface InstanceManagerOptions {
  host: string;
  nodes: string[];
  /** The engines it runs, by engine id. */
  engines: Partial<Record<string, LocalEngine>>;
  layout: LocalLayout;
  user: EngineUser;
  ports: PortAllocator;
  supervisor: ProcessSupervisor;
  volumes: InstanceVolumes;
  limits: InstanceResourceLimits;
  logger: LoggerService;
  emit: (event: RuntimeEvent) => void;
}

/**
 * The lifecycle of local instances: has them created (see
 * {@link InstanceBuilder}), runs (or adopts) their servers, restarts and
 * re-points them, and removes them. Operations on one instance run one at
 * a time.
 */
export class InstanceManager {
  private readonly mutex = new KeyedMutex();
  private readonly lookup: InstanceLookup;
  private readonly builder: InstanceBuilder;

  constructor(private readonly options: InstanceManagerOptions) {
    this.lookup = new InstanceLookup(options);
    this.builder = new InstanceBuilder(options);
  }

  /** The cluster's instances, running or not. */
  list(cluster: ClusterKey): Promise<RuntimeInstance[]> {
    return this.lookup.list(cluster);
  }

  /** See {@link InstanceLookup.usage}. */
  usage(cluster: ClusterKey, name: string): Promise<VolumeUsage | undefined> {
    return this.lookup.usage(cluster, name);
  }
  /** See Runtime.stalledProcess. */
  stalledProcess(
    cluster: ClusterKey,
    name: string,
  ): Promise<string | undefined> {
    return this.lookup.stalledProcess(cluster, name);
  }

  ensure(request: InstanceRequest): Promise<RuntimeInstance> {
    return this.mutex.run(instanceKey(request.cluster, request.name), () =>
      this.ensureNow(request),
    );
  }

  /** See {@link Runtime.instanceHost}. */
  async host(
    cluster: ClusterKey,
    name: string,
    engine: string,
  ): Promise<LocalEngineHost> {
    const found = await this.lookup.find(cluster, name);
    if (!found) {
      throw new NotFoundError(
        `Instance ${instanceLabel(cluster, name)} not found`,
      );
    }
    return this.builder.host(
      found.paths,
      found.record.port,
      this.binDirOf(engine),
    );
  }

  /** See {@link Runtime.writeConfiguration}. */
  writeConfiguration(request: InstanceRequest): Promise<void> {
    const { cluster, name, driver, context } = request;
    return this.mutex.run(instanceKey(cluster, name), async () => {
      const found = await this.lookup.find(cluster, name);
      if (!found) {
        throw new NotFoundError(
          `Instance ${instanceLabel(cluster, name)} not found`,
        );
      }
      const { paths, record } = found;
      const host = this.builder.host(
        paths,
        record.port,
        this.binDirOf(driver.engine),
      );
      for (const [file, content] of Object.entries(
        driver.configurationFiles(host, context),
      )) {
        await host.writeFile(file, content);
      }
    });
  }

  /** The instance's log file; throws NotFoundError for an unknown instance. */
  async logFile(cluster: ClusterKey, name: string): Promise<string> {
    const paths = (await this.lookup.find(cluster, name))?.paths;
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
      const found = await this.lookup.find(cluster, name);
      if (!found) return;
      const { paths, record } = found;
      await this.options.supervisor.stop(paths.dir, serverIdentity(paths), {
        signal: stopSignalOf(this.options.engines, record.engine),
        mode,
      });
      this.options.logger.info(
        `Stopped instance ${instanceLabel(cluster, name)} (${mode})`,
      );
    });
  }

  remove(cluster: ClusterKey, name: string): Promise<void> {
    return this.mutex.run(instanceKey(cluster, name), async () => {
      for (const node of this.options.nodes) {
        const paths = this.options.layout.instance(node, cluster, name);
        const record = await readInstanceRecord(paths);
        // Not found, or not this cluster's: nothing of ours to remove.
        if (record?.cluster.uid === cluster.uid) {
          await this.builder.discard(paths, record);
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
    await checkEnginePrograms(request.driver, binDir);
    await checkEngineUserCanReach(
      this.options.layout.rootDir,
      this.options.user,
    );
    const existing = await this.findExisting(request);
    if (existing && request.restartedAt) {
      await this.stopIfStartedBefore(
        existing,
        request.restartedAt,
        request.driver.process.stopSignal,
        label,
      );
    }
    const paths = existing ?? (await this.builder.create(request, binDir));
    // Instances created before WAL archiving existed have none yet.
    await this.builder.ensureArchiveDir(paths);
    const record = (await readInstanceRecord(paths))!;
    if (existing && record.volume) {
      // Mounts it after a host restart, grows it, applies new limits.
      await this.options.volumes.ensure(
        record.volume,
        paths.dataDir,
        request.volume,
      );
    }
    const host = this.builder.host(paths, record.port, binDir);
    if (existing && request.role?.role === 'replica') {
      await this.prepareReplica(request, paths, host, request.role.primary);
    }
    try {
      const startedAt = Date.now();
      const { pid, started } = await this.options.supervisor.ensureRunning(
        paths.dir,
        await this.serverSpec(request, paths, record, host, binDir),
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
      await this.builder.discard(paths, record);
      throw new ForwardedError(
        `Could not start instance ${label}; removed it`,
        error,
      );
    }
    return {
      ...this.lookup.toInstance(record),
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
    primary: ReplicationSource,
  ): Promise<void> {
    if (await this.options.supervisor.runningPid(serverIdentity(paths))) {
      return;
    }
    const startedAt = Date.now();
    const done = await request.driver.prepareReplica(host, request.context, {
      name: request.name,
      primary,
    });
    this.options.logger.info(
      `Prepared instance ${instanceLabel(
        request.cluster,
        request.name,
      )} to replicate from ${primary.peerAddress.host}:${
        primary.peerAddress.port
      }${done.map(what => `, ${what}`).join('')} in ${
        Date.now() - startedAt
      } ms`,
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
    signal: EngineProcess['stopSignal'],
    label: string,
  ): Promise<void> {
    const identity = serverIdentity(paths);
    const startedAt = await this.options.supervisor.startedAt(identity);
    if (!startedAt || Date.parse(startedAt) >= Date.parse(restartedAt)) {
      return;
    }
    await this.options.supervisor.stop(paths.dir, identity, { signal });
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
        return onVolume(paths, record);
      }
      const label = instanceLabel(cluster, name);
      this.options.logger.warn(
        `Removing instance ${label}, whose creation was interrupted`,
      );
      await this.builder.discard(paths, record);
    }
    return undefined;
  }

  private async serverSpec(
    request: InstanceRequest,
    paths: InstancePaths,
    record: InstanceRecord,
    host: LocalEngineHost,
    binDir: string,
  ): Promise<ServerSpec> {
    const spec: ServerSpec = {
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
    const throttled = record.volume
      ? await this.options.volumes.wrapServer(record.volume, spec)
      : spec;
    return this.options.limits.wrapServer(
      request.cluster,
      request.name,
      request.resources,
      throttled,
    );
  }

  private binDirOf(engine: string): string {
    return localEngineOf(this.options.engines, engine).binDir;
  }
}

function instanceKey(cluster: ClusterKey, name: string): string {
  return `${cluster.namespace}/${cluster.name}/${name}`;
}
