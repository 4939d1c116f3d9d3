import fs from 'node:fs/promises';
import {
  ClusterKey,
  RuntimeInstance,
  VolumeUsage,
} from '@basalt/plugin-basalt-node';
import { tailLines } from './files';
import { InstanceVolumes } from './InstanceVolumes';
import {
  InstancePaths,
  InstanceRecord,
  LocalLayout,
  onVolume,
  readInstanceRecord,
} from './layout';
import { ProcessSupervisor } from './ProcessSupervisor';
import { processState, readPidFile } from './processes';

/** What {@link InstanceLookup} reads from. */
export interface InstanceLookupOptions {
  host: string;
  nodes: string[];
  layout: LocalLayout;
  supervisor: ProcessSupervisor;
  volumes: InstanceVolumes;
}

/**
 * Finds and describes local instances from their records, without changing
 * anything: safe to call while an operation on the instance runs.
 */
export class InstanceLookup {
  /** Server pids of the instances asked about, by cluster uid and name. */
  readonly #serverPids = new Map<string, number>();

  constructor(private readonly options: InstanceLookupOptions) {}

  /** The cluster's instances on every node, running or not. */
  async list(cluster: ClusterKey): Promise<RuntimeInstance[]> {
    const { layout, nodes } = this.options;
    const instances: RuntimeInstance[] = [];
    for (const paths of await layout.findInstances(nodes, cluster)) {
      const record = await readInstanceRecord(paths).catch(() => undefined);
      if (record?.cluster.uid === cluster.uid) {
        instances.push(await this.describe(onVolume(paths, record), record));
      }
    }
    return instances;
  }

  /**
   * Where this cluster's instance `name` lives, on whichever node, with its
   * record; the paths are those its record says (its volume's, if any).
   */
  async find(
    cluster: ClusterKey,
    name: string,
  ): Promise<{ paths: InstancePaths; record: InstanceRecord } | undefined> {
    for (const node of this.options.nodes) {
      const paths = this.options.layout.instance(node, cluster, name);
      const record = await readInstanceRecord(paths).catch(() => undefined);
      if (record?.cluster.uid === cluster.uid) {
        return { paths: onVolume(paths, record), record };
      }
    }
    return undefined;
  }

  /**
   * See Runtime.stalledProcess: the state in `/proc` of the process its
   * pid file names. Called with every probe of a watched primary, so the
   * pid is remembered while that process lives, rather than looked up on
   * every node each time.
   */
  async stalledProcess(
    cluster: ClusterKey,
    name: string,
  ): Promise<string | undefined> {
    const key = `${cluster.uid}/${name}`;
    let pid = this.#serverPids.get(key);
    let state = pid ? processState(pid) : 'gone';
    if (state === 'gone') {
      // Not asked about yet, or its process ended (restarted, removed).
      const found = await this.find(cluster, name);
      pid = found && (await readPidFile(found.paths.pidFile));
      if (!pid) {
        this.#serverPids.delete(key);
        return undefined;
      }
      this.#serverPids.set(key, pid);
      state = processState(pid);
    }
    if (state === 'stopped')
      return `its server process (pid ${pid}) is stopped`;
    if (state === 'zombie')
      return `its server process (pid ${pid}) is a zombie`;
    return undefined;
  }

  /**
   * How full the instance's volume is, or without one its data's
   * filesystem (shared with whatever else is on it); undefined for an
   * unknown instance.
   */
  async usage(
    cluster: ClusterKey,
    name: string,
  ): Promise<VolumeUsage | undefined> {
    const found = await this.find(cluster, name);
    if (!found) return undefined;
    const { paths, record } = found;
    if (record.volume) return this.options.volumes.usage(record.volume);
    // The data directory is missing while it is being created.
    const stats = await fs
      .statfs(paths.dataDir)
      .catch(() => fs.statfs(paths.dir));
    return {
      totalBytes: stats.blocks * stats.bsize,
      usedBytes: (stats.blocks - stats.bfree) * stats.bsize,
      freeBytes: stats.bavail * stats.bsize,
      dedicated: false,
    };
  }

  /** The instance as the runtime reports it, before its server is checked. */
  toInstance(record: InstanceRecord): RuntimeInstance {
    return {
      name: record.instance,
      node: record.node,
      address: { host: this.options.host, port: record.port },
      running: false,
    };
  }

  private async describe(
    paths: InstancePaths,
    record: InstanceRecord,
  ): Promise<RuntimeInstance> {
    const { supervisor } = this.options;
    const pid =
      record.state === 'initialized'
        ? await supervisor.runningPid(serverIdentity(paths))
        : undefined;
    const instance = { ...this.toInstance(record), running: !!pid };
    if (pid !== undefined) {
      instance.startedAt = await supervisor.startedAt(serverIdentity(paths));
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
}

/**
 * How the supervisor recognises the instance's server. Its command line
 * names its data directory (e.g. `postgres -D <data>`), which tells it from
 * an unrelated process that reuses its pid.
 */
export function serverIdentity(paths: InstancePaths) {
  return { pidFile: paths.pidFile, marker: paths.dataDir };
}
