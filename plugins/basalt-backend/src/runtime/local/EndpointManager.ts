import fs from 'node:fs/promises';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterEndpoints } from '@basalt/plugin-basalt-common';
import { ClusterKey, EndpointTargets } from '@basalt/plugin-basalt-node';
import { EndpointProxy } from './EndpointProxy';
import { readJsonFile, removeDirAndEmptyParents, writeJsonFile } from './files';
import { KeyedMutex } from '../KeyedMutex';
import { PortAllocator } from './PortAllocator';

/** What `endpoints/<namespace>/<cluster>.json` holds. */
export interface EndpointsRecord {
  cluster: ClusterKey;
  ports: { readWrite: number; readOnly: number };
}

/**
 * Owns the clusters' endpoint proxies. Ports are allocated once per cluster
 * and recorded on disk, so a cluster keeps its endpoints across backend
 * restarts; only if another process has taken a recorded port meanwhile
 * does the cluster get a new one.
 */
export class EndpointManager {
  private readonly proxies = new Map<string, EndpointProxy>();
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly options: {
      host: string;
      dir: string;
      fileOf: (cluster: ClusterKey) => string;
      ports: PortAllocator;
      logger: LoggerService;
    },
  ) {}

  ensure(
    cluster: ClusterKey,
    targets: EndpointTargets,
  ): Promise<ClusterEndpoints> {
    const file = this.options.fileOf(cluster);
    return this.mutex.run(file, async () => {
      let proxy = this.proxies.get(file);
      if (!proxy) {
        proxy = await this.open(cluster, file);
        this.proxies.set(file, proxy);
      }
      proxy.retarget(targets);
      const { host } = this.options;
      return {
        readWrite: `${host}:${proxy.ports.readWrite}`,
        readOnly: `${host}:${proxy.ports.readOnly}`,
      };
    });
  }

  remove(cluster: ClusterKey): Promise<void> {
    const file = this.options.fileOf(cluster);
    return this.mutex.run(file, async () => {
      const record = await readJsonFile<EndpointsRecord>(file);
      if (record && record.cluster.uid !== cluster.uid) {
        return; // a newer cluster's of the same name
      }
      await this.proxies.get(file)?.close();
      this.proxies.delete(file);
      if (record) {
        this.options.ports.release(record.ports.readWrite);
        this.options.ports.release(record.ports.readOnly);
      }
      await removeDirAndEmptyParents(file, this.options.dir);
    });
  }

  /** The ports every cluster's endpoints have recorded. */
  async recordedPorts(): Promise<number[]> {
    const ports: number[] = [];
    const namespaces = await fs.readdir(this.options.dir).catch(() => []);
    for (const namespace of namespaces) {
      const dir = path.join(this.options.dir, namespace);
      const files = await fs.readdir(dir).catch(() => []);
      for (const file of files.filter(name => name.endsWith('.json'))) {
        const record = await readJsonFile<EndpointsRecord>(
          path.join(dir, file),
        ).catch(() => undefined);
        if (record) ports.push(record.ports.readWrite, record.ports.readOnly);
      }
    }
    return ports;
  }

  /** Closes every proxy; the recorded ports stay for the next start. */
  async close(): Promise<void> {
    const proxies = [...this.proxies.values()];
    this.proxies.clear();
    await Promise.all(proxies.map(proxy => proxy.close()));
  }

  private async open(cluster: ClusterKey, file: string) {
    const proxy =
      (await this.reopen(cluster, file)) ?? (await this.openOnNewPorts());
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeJsonFile(file, {
      cluster,
      ports: proxy.ports,
    } satisfies EndpointsRecord);
    return proxy;
  }

  private async reopen(cluster: ClusterKey, file: string) {
    const { host, logger } = this.options;
    const recorded = (await readJsonFile<EndpointsRecord>(file))?.ports;
    if (!recorded) {
      return undefined;
    }
    try {
      return await EndpointProxy.listen(host, recorded, logger);
    } catch (error) {
      logger.warn(
        `Endpoint ports ${recorded.readWrite} and ${recorded.readOnly} of ${cluster.namespace}/${cluster.name} are taken by another process; allocating new ones`,
        error as Error,
      );
      return undefined;
    }
  }

  private async openOnNewPorts() {
    const { host, logger, ports } = this.options;
    const allocated: number[] = [];
    try {
      allocated.push(await ports.allocate(), await ports.allocate());
      const [readWrite, readOnly] = allocated;
      return await EndpointProxy.listen(host, { readWrite, readOnly }, logger);
    } catch (error) {
      allocated.forEach(port => ports.release(port));
      throw error;
    }
  }
}
