import fs from 'node:fs/promises';
import {
  ForwardedError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { initializeData, InstanceRequest } from '@basalt/plugin-basalt-node';
import { chownToEngineUser, makeEngineDir } from './engineUser';
import { makeDirsBelow, removeDirAndEmptyParents } from './files';
import { killProcessesWorkingIn } from './processes';
import {
  instanceLabel,
  InstancePaths,
  InstanceRecord,
  onVolume,
  writeInstanceRecord,
} from './layout';
import { LocalEngineHost } from './LocalEngineHost';
import { serverIdentity } from './InstanceLookup';
import { stopSignalOf } from './LocalEngine';
import type { InstanceManagerOptions } from './InstanceManager';

/**
 * Makes and unmakes local instances: creates an instance's directory,
 * volume and data with the engine's driver, and discards all of it again,
 * also what a creation cut short left.
 */
export class InstanceBuilder {
  constructor(private readonly options: InstanceManagerOptions) {}

  /** Creates the instance's directory and data; on failure, removes both. */
  async create(
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
    const plain = layout.instance(node, cluster, name);
    // Before the directory: a refused volume must leave nothing behind.
    const volume = await this.options.volumes.plan(
      cluster,
      name,
      plain,
      request.volume,
    );
    await this.makeInstanceDir(node, plain.dir);
    const paths = onVolume(plain, { volume });
    const record: InstanceRecord = {
      cluster,
      instance: name,
      node,
      engine: driver.engine,
      version: context.spec.version,
      port: await ports.allocate(),
      state: 'initializing',
      ...(volume && { volume }),
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

  /**
   * Creates the instance's directory on its node. A node is its directory:
   * one that is gone is lost, and an instance placed there before that was
   * noticed must fail rather than bring the node's directory back.
   */
  private async makeInstanceDir(node: string, dir: string): Promise<void> {
    const nodeDir = this.options.layout.nodeDir(node);
    try {
      await makeDirsBelow(nodeDir, dir, 0o755);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new ServiceUnavailableError(
        `Node '${node}' is lost: its directory ${nodeDir} is gone`,
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
    if (record.volume) {
      await this.options.volumes.ensure(
        record.volume,
        paths.dataDir,
        request.volume,
      );
    } else {
      await fs.mkdir(paths.dataDir, { mode: 0o700 });
      await chownToEngineUser(paths.dataDir, this.options.user);
    }
    const host = this.host(paths, record.port, binDir, {
      signal: request.signal,
      background: request.background,
    });
    const startedAt = Date.now();
    await initializeData(request, host);
    // Cancelled between programs: what was made goes (see create).
    request.signal?.throwIfAborted();
    const ms = Date.now() - startedAt;
    this.options.logger.info(
      `Created instance ${instanceLabel(
        request.cluster,
        request.name,
      )} on node ${record.node} (from ${request.bootstrap.from}) in ${ms} ms`,
    );
  }

  /**
   * Creates the directory the engine leaves WAL files in for archiving;
   * only the engine's user (and the backend) may enter it.
   */
  async ensureArchiveDir(paths: InstancePaths): Promise<void> {
    await makeEngineDir(paths.archiveDir, this.options.user);
  }

  /**
   * Stops the instance's server and any engine program still working in
   * it (left by a backend that stopped mid-clone), then removes its
   * resource groups, throttle group and volume (which need them gone),
   * then its directory.
   */
  async discard(plain: InstancePaths, record: InstanceRecord) {
    const paths = onVolume(plain, record);
    await this.options.supervisor.stop(paths.dir, serverIdentity(paths), {
      signal: stopSignalOf(this.options.engines, record.engine),
    });
    const leftovers = await killProcessesWorkingIn(paths.dir);
    if (leftovers.length) {
      this.options.logger.warn(
        `Killed engine programs ${leftovers.join(
          ', ',
        )} left running in instance ${
          record.instance
        } by a backend that stopped`,
      );
    }
    await this.options.limits.remove(record.cluster, record.instance);
    if (record.volume) await this.options.volumes.remove(record.volume);
    // Up to the node's directory, which stands for the node itself.
    await removeDirAndEmptyParents(
      paths.dir,
      this.options.layout.nodeDir(record.node),
    );
    this.options.ports.release(record.port);
  }

  /** The engine host of an instance, for the driver's programs. */
  host(
    paths: InstancePaths,
    port: number,
    binDir: string,
    work: { signal?: AbortSignal; background?: boolean } = {},
  ) {
    return new LocalEngineHost({
      dataDir: paths.dataDir,
      scratchDir: paths.dir,
      address: { host: this.options.host, port },
      binDir,
      user: this.options.user,
      archiveDir: paths.archiveDir,
      ...work,
    });
  }
}
