import fs from 'node:fs/promises';
import path from 'node:path';
import { ConflictError, InputError } from '@backstage/errors';
import { ClusterKey } from '@basalt/plugin-basalt-node';
import { readJsonFile, writeJsonFile } from './files';

// Every name becomes a path segment: refuse anything that could climb out
// of the root directory or hide (`..`, `/`, a leading dot).
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * What the runtime records about an instance next to its data, in
 * `instance.json`: whose it is, where it listens, and whether its data is
 * complete.
 */
export interface InstanceRecord {
  cluster: ClusterKey;
  instance: string;
  node: string;
  engine: string;
  version: string;
  port: number;
  /** `initializing` until the engine's data has been created completely. */
  state: 'initializing' | 'initialized';
  /**
   * The volume the instance's data lives on, when it has one (see
   * `InstanceVolumes`); absent for data in a plain directory. Recorded before
   * the volume is made, so a new backend finds it to mount and to remove.
   */
  volume?: InstanceVolumeRecord;
}

/** Where an instance's volume lives, as its {@link InstanceRecord} keeps it. */
export interface InstanceVolumeRecord {
  /** The pool it was carved from. */
  pool: string;
  /** `<poolPath>/<namespace>/<cluster>/<instance>.img` */
  imagePath: string;
  /** Where it is mounted: {@link InstancePaths.volumeDir}. */
  mountPath: string;
  /** The instance's blkio throttle group (a directory name). */
  throttleGroup: string;
}

/** The files of one instance. */
export interface InstancePaths {
  /** `<rootDir>/nodes/<node>/<namespace>/<cluster>/<instance>` */
  dir: string;
  /**
   * The engine's data directory: `data/`, or `volume/data/` when the
   * instance has a volume (see {@link onVolume}).
   */
  dataDir: string;
  /** Where the instance's volume is mounted, when it has one. */
  volumeDir: string;
  /** The {@link InstanceRecord}. */
  recordFile: string;
  /** The server's standard output and error. */
  logFile: string;
  /** The pid of the server process, written by the runtime when it starts it. */
  pidFile: string;
  /**
   * Where the engine leaves completed WAL files for the backend to archive
   * (`EngineHost.archiveDir`), owned by the engine's user, mode 0700.
   */
  archiveDir: string;
}

/**
 * The local runtime's directory layout under its root directory:
 *
 * ```
 * nodes/<node>/<namespace>/<cluster>/<instance>/{data/,archive/,instance.json,server.log,server.pid}
 * nodes/<node>/<namespace>/<cluster>/<instance>/volume/data/   (instead of data/, with a volume)
 * endpoints/<namespace>/<cluster>.json
 * credentials/<namespace>/<cluster>.json
 * ```
 */
export class LocalLayout {
  constructor(readonly rootDir: string) {}

  get nodesDir(): string {
    return path.join(this.rootDir, 'nodes');
  }

  get endpointsDir(): string {
    return path.join(this.rootDir, 'endpoints');
  }

  get credentialsDir(): string {
    return path.join(this.rootDir, 'credentials');
  }

  /** `<rootDir>/nodes/<node>`; throws {@link InputError} for a bad name. */
  nodeDir(node: string): string {
    return path.join(this.nodesDir, segment(node, 'node'));
  }

  /** `<rootDir>/nodes/<node>/<namespace>/<cluster>` */
  clusterDir(node: string, cluster: ClusterKey): string {
    return path.join(
      this.nodeDir(node),
      segment(cluster.namespace, 'namespace'),
      segment(cluster.name, 'cluster name'),
    );
  }

  instance(node: string, cluster: ClusterKey, name: string): InstancePaths {
    const dir = path.join(
      this.clusterDir(node, cluster),
      segment(name, 'instance name'),
    );
    return {
      dir,
      dataDir: path.join(dir, 'data'),
      volumeDir: path.join(dir, 'volume'),
      recordFile: path.join(dir, 'instance.json'),
      logFile: path.join(dir, 'server.log'),
      pidFile: path.join(dir, 'server.pid'),
      archiveDir: path.join(dir, 'archive'),
    };
  }

  endpointsFile(cluster: ClusterKey): string {
    return this.clusterFile(this.endpointsDir, cluster);
  }

  credentialsFile(cluster: ClusterKey): string {
    return this.clusterFile(this.credentialsDir, cluster);
  }

  /** The instance directories of `cluster` (by name) on the given nodes. */
  async findInstances(
    nodes: string[],
    cluster: ClusterKey,
  ): Promise<InstancePaths[]> {
    const found = await Promise.all(
      nodes.map(async node => {
        const names = await listDirectories(this.clusterDir(node, cluster));
        return names.map(name => this.instance(node, cluster, name));
      }),
    );
    return found.flat();
  }

  /** Every instance record under the root, of any cluster. */
  async allInstanceRecords(): Promise<InstanceRecord[]> {
    const records: InstanceRecord[] = [];
    for (const node of await listDirectories(this.nodesDir)) {
      const nodeDir = path.join(this.nodesDir, node);
      for (const namespace of await listDirectories(nodeDir)) {
        const namespaceDir = path.join(nodeDir, namespace);
        for (const cluster of await listDirectories(namespaceDir)) {
          const clusterDir = path.join(namespaceDir, cluster);
          for (const instance of await listDirectories(clusterDir)) {
            const record = await readJsonFile<InstanceRecord>(
              path.join(clusterDir, instance, 'instance.json'),
            ).catch(() => undefined);
            if (record) records.push(record);
          }
        }
      }
    }
    return records;
  }

  private clusterFile(dir: string, cluster: ClusterKey): string {
    return path.join(
      dir,
      segment(cluster.namespace, 'namespace'),
      `${segment(cluster.name, 'cluster name')}.json`,
    );
  }
}

/**
 * The instance's paths as its record says: with a volume, the data
 * directory is inside the volume's mount rather than the volume's root, so
 * that nothing is written to the empty mount point if the volume is not
 * mounted (the engine finds no data and fails instead).
 */
export function onVolume(
  paths: InstancePaths,
  record: Pick<InstanceRecord, 'volume'> | undefined,
): InstancePaths {
  return record?.volume
    ? { ...paths, dataDir: path.join(paths.volumeDir, 'data') }
    : paths;
}

/** `orders-0 of default/orders`, for messages. */
export function instanceLabel(cluster: ClusterKey, instance: string): string {
  return `${instance} of ${cluster.namespace}/${cluster.name}`;
}

/** Reads an instance's record; `undefined` when it has none. */
export function readInstanceRecord(
  paths: InstancePaths,
): Promise<InstanceRecord | undefined> {
  return readJsonFile<InstanceRecord>(paths.recordFile);
}

/**
 * Reads the record of an instance directory that should be `cluster`'s;
 * `undefined` when there is no such directory. Throws {@link ConflictError}
 * for a directory that is someone else's: one without a record (not made by
 * Basalt) or of an earlier cluster of the same name. Such data is never
 * overwritten.
 */
export async function readOwnInstanceRecord(
  paths: InstancePaths,
  cluster: ClusterKey,
): Promise<InstanceRecord | undefined> {
  const found = await fs.stat(paths.dir).then(
    () => true,
    () => false,
  );
  if (!found) return undefined;
  const record = await readInstanceRecord(paths);
  if (!record) {
    throw new ConflictError(
      `${paths.dir} exists but was not created by Basalt (it has no instance.json); refusing to touch it`,
    );
  }
  if (record.cluster.uid !== cluster.uid) {
    throw new ConflictError(
      `${paths.dir} holds the data of an earlier cluster of the same name (uid ${record.cluster.uid}); remove it or use another name`,
    );
  }
  return record;
}

/** Writes an instance's record. */
export function writeInstanceRecord(
  paths: InstancePaths,
  record: InstanceRecord,
): Promise<void> {
  return writeJsonFile(paths.recordFile, record);
}

function segment(value: string, what: string): string {
  if (!SEGMENT.test(value)) {
    throw new InputError(
      `Invalid ${what} '${value}': use letters, digits, '-', '_' and '.', starting with a letter or digit`,
    );
  }
  return value;
}

async function listDirectories(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries
      .filter(entry => entry.isDirectory() && SEGMENT.test(entry.name))
      .map(entry => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw error;
  }
}
