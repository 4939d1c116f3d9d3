import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ArchiveSpool,
  ClusterKey,
  SpooledFile,
} from '@basalt/plugin-basalt-node';
import {
  instanceLabel,
  InstancePaths,
  LocalLayout,
  readInstanceRecord,
} from './layout';

// Temporary names (a leading dot) are files still being written.
const SPOOLED_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The archive directories of a cluster's local instances, on every node:
 * engines copy completed WAL files in under a temporary name and rename
 * them, so whatever is listed is complete.
 */
export class LocalArchiveSpool implements ArchiveSpool {
  constructor(
    private readonly layout: LocalLayout,
    private readonly nodes: string[],
  ) {}

  async list(cluster: ClusterKey): Promise<SpooledFile[]> {
    const files: SpooledFile[] = [];
    for (const paths of await this.ownInstances(cluster)) {
      const instance = path.basename(paths.dir);
      for (const name of await listNames(paths.archiveDir)) {
        if (!SPOOLED_NAME.test(name)) continue;
        const stat = await fs
          .stat(path.join(paths.archiveDir, name))
          .catch(() => undefined); // removed meanwhile
        if (stat?.isFile()) files.push({ instance, name, size: stat.size });
      }
    }
    return files.sort(
      (a, b) => compare(a.name, b.name) || compare(a.instance, b.instance),
    );
  }

  async open(cluster: ClusterKey, file: SpooledFile): Promise<Readable> {
    const location = await this.locate(cluster, file);
    try {
      const handle = await fs.open(location, 'r');
      // The stream closes the handle when it ends or is destroyed.
      return handle.createReadStream();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotFoundError(
          `Spooled file ${file.name} of instance ${instanceLabel(
            cluster,
            file.instance,
          )} not found`,
        );
      }
      throw error;
    }
  }

  async remove(cluster: ClusterKey, file: SpooledFile): Promise<void> {
    const location = await this.locate(cluster, file).catch(error => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });
    if (location) await fs.rm(location, { force: true });
  }

  /** The file's path; NotFoundError when its instance is gone. */
  private async locate(
    cluster: ClusterKey,
    file: SpooledFile,
  ): Promise<string> {
    if (!SPOOLED_NAME.test(file.name)) {
      throw new InputError(`'${file.name}' is not a spooled file's name`);
    }
    for (const node of this.nodes) {
      const paths = this.layout.instance(node, cluster, file.instance);
      const record = await readInstanceRecord(paths).catch(() => undefined);
      if (record?.cluster.uid === cluster.uid) {
        return path.join(paths.archiveDir, file.name);
      }
    }
    throw new NotFoundError(
      `Instance ${instanceLabel(cluster, file.instance)} not found`,
    );
  }

  /** The cluster's instance directories (not an earlier namesake's). */
  private async ownInstances(cluster: ClusterKey): Promise<InstancePaths[]> {
    const own: InstancePaths[] = [];
    for (const paths of await this.layout.findInstances(this.nodes, cluster)) {
      const record = await readInstanceRecord(paths).catch(() => undefined);
      if (record?.cluster.uid === cluster.uid) own.push(paths);
    }
    return own;
  }
}

async function listNames(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
