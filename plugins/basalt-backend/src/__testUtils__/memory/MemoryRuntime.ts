import { NotFoundError } from '@backstage/errors';
import { ClusterEndpoints } from '@basalt/plugin-basalt-common';
import {
  ClusterCredentials,
  ClusterKey,
  EndpointTargets,
  EngineAddress,
  EngineHost,
  InstanceRequest,
  ResourceEnforcement,
  Runtime,
  RuntimeEvent,
  RuntimeInstance,
  RuntimeNode,
  StreamingProgram,
  VolumeEnforcement,
} from '@basalt/plugin-basalt-node';
import { generateCredentials } from '../../runtime/credentials';
import { key, MemoryWorld } from './MemoryWorld';

interface MemoryInstance {
  cluster: ClusterKey;
  name: string;
  node: string;
  address: EngineAddress;
  dataDir: string;
  running: boolean;
  startedAt?: string;
}

/**
 * The in-memory runtime (`memory`): Basalt's runtime contract over a
 * {@link MemoryWorld}, with no processes, for decision tests of the
 * controller. {@link MemoryRuntime.crash} is what a test does to an
 * instance behind the controller's back.
 */
export class MemoryRuntime implements Runtime {
  readonly name = 'memory';
  private readonly instances = new Map<string, MemoryInstance>();
  private readonly credentials = new Map<string, ClusterCredentials>();
  /** How often each account's password was rotated, for its next one. */
  private readonly rotations = new Map<string, number>();
  private readonly listeners = new Set<(event: RuntimeEvent) => void>();
  private nextPort = 40000;

  constructor(
    private readonly world: MemoryWorld,
    private readonly nodes: string[],
  ) {}

  /** The instance's process dies: the controller hears of it as of a real one. */
  crash(cluster: ClusterKey, name: string): void {
    const instance = this.get(cluster, name);
    this.world.stop(instance.address);
    instance.running = false;
    instance.startedAt = undefined;
    for (const listener of this.listeners) {
      listener({
        type: 'instance-exited',
        cluster,
        instance: name,
        message: 'killed',
        timestamp: new Date().toISOString(),
      });
    }
  }

  /** Where an instance's server listens. */
  addressOf(cluster: ClusterKey, name: string): EngineAddress {
    return this.get(cluster, name).address;
  }

  async listNodes(): Promise<RuntimeNode[]> {
    return this.nodes.map(name => ({ name, ready: true }));
  }

  async listInstances(cluster: ClusterKey): Promise<RuntimeInstance[]> {
    const { listings } = this.world;
    listings.set(cluster.uid, (listings.get(cluster.uid) ?? 0) + 1);
    return [...this.instances.values()]
      .filter(instance => instance.cluster.uid === cluster.uid)
      .map(toRuntimeInstance);
  }

  async ensureInstance(request: InstanceRequest): Promise<RuntimeInstance> {
    const { cluster, name, driver, context } = request;
    let instance = this.instances.get(instanceKey(cluster, name));
    if (!instance) {
      instance = {
        cluster,
        name,
        node: request.node,
        address: { host: '127.0.0.1', port: this.nextPort++ },
        dataDir: `/memory/${cluster.uid}/${name}`,
        running: false,
      };
      const host = this.hostFor(instance);
      const { bootstrap } = request;
      if (bootstrap.from === 'scratch') {
        await driver.initializePrimary(host, context);
      } else if (bootstrap.from === 'replica-of') {
        await driver.initializeReplica(host, context, bootstrap.source);
      } else {
        await bootstrap.restore(host);
      }
      this.instances.set(instanceKey(cluster, name), instance);
      this.world.changes.push(`created ${name} (${bootstrap.from})`);
    }
    if (instance.running && request.restartedAt) {
      if (Date.parse(instance.startedAt!) < Date.parse(request.restartedAt)) {
        this.world.stop(instance.address);
        instance.running = false;
        this.world.changes.push(`stopped ${name} to restart it`);
      }
    }
    if (!instance.running) {
      if (request.role?.role === 'replica') {
        await driver.prepareReplica(this.hostFor(instance), context, {
          name,
          primary: request.role.primary,
        });
      }
      this.world.start(instance.address, instance.dataDir);
      instance.running = true;
      instance.startedAt = new Date().toISOString();
      this.world.changes.push(`started ${name}`);
    }
    return toRuntimeInstance(instance);
  }

  async writeConfiguration(request: InstanceRequest): Promise<void> {
    const instance = this.get(request.cluster, request.name);
    const data = this.world.dataIn(instance.dataDir);
    const files = request.driver.configurationFiles(
      this.hostFor(instance),
      request.context,
    );
    for (const [name, content] of Object.entries(files)) {
      data.files.set(name, content);
    }
  }

  async *readLogs(): AsyncIterable<string> {
    // The in-memory engine writes no log.
  }

  async stopInstance(cluster: ClusterKey, name: string): Promise<void> {
    const instance = this.instances.get(instanceKey(cluster, name));
    if (!instance?.running) return;
    this.world.stop(instance.address);
    instance.running = false;
    instance.startedAt = undefined;
    this.world.changes.push(`stopped ${name}`);
  }

  async removeInstance(cluster: ClusterKey, name: string): Promise<void> {
    const instance = this.instances.get(instanceKey(cluster, name));
    if (!instance) return;
    this.world.stop(instance.address);
    this.world.removeData(instance.dataDir);
    this.instances.delete(instanceKey(cluster, name));
    this.world.changes.push(`removed ${name}`);
  }

  async instanceHost(cluster: ClusterKey, name: string): Promise<EngineHost> {
    return this.hostFor(this.get(cluster, name));
  }

  async ensureEndpoints(
    _cluster: ClusterKey,
    targets: EndpointTargets,
  ): Promise<ClusterEndpoints> {
    const readOnly = targets.readOnly[0] ?? targets.readWrite;
    return {
      ...(targets.readWrite && { readWrite: key(targets.readWrite) }),
      ...(readOnly && { readOnly: key(readOnly) }),
    };
  }

  async removeEndpoints(): Promise<void> {}

  async ensureCredentials(cluster: ClusterKey, accounts: string[]) {
    const current = this.credentials.get(cluster.uid) ?? generateCredentials();
    for (const account of accounts) {
      current.accounts[account] ??= `password-of-${account}`;
    }
    this.credentials.set(cluster.uid, current);
    return {
      credentials: current,
      reference: { kind: 'secret' as const, location: `memory/${cluster.uid}` },
    };
  }

  async rotatePassword(cluster: ClusterKey, account: string): Promise<void> {
    const { credentials } = await this.ensureCredentials(cluster, [account]);
    const rotations = (this.rotations.get(account) ?? 0) + 1;
    this.rotations.set(account, rotations);
    credentials.accounts[account] = `password-of-${account}-${rotations}`;
  }

  async removeCredentials(cluster: ClusterKey): Promise<void> {
    this.credentials.delete(cluster.uid);
  }

  async volumeEnforcement(): Promise<VolumeEnforcement> {
    return { enforced: false, reason: 'the in-memory runtime has no disks' };
  }

  async resourceEnforcement(): Promise<ResourceEnforcement> {
    return { enforced: false, reason: 'the in-memory runtime has no CPUs' };
  }

  async volumeUsage() {
    return undefined;
  }

  subscribe(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private get(cluster: ClusterKey, name: string): MemoryInstance {
    const instance = this.instances.get(instanceKey(cluster, name));
    if (!instance) {
      throw new NotFoundError(`Instance ${cluster.name}/${name} not found`);
    }
    return instance;
  }

  private hostFor(instance: MemoryInstance): EngineHost {
    const { world } = this;
    const { dataDir, address } = instance;
    const unsupported = (what: string) => () => {
      throw new Error(`The in-memory runtime has no ${what}`);
    };
    return {
      dataDir,
      address,
      binary: name => name,
      exec: unsupported('programs') as EngineHost['exec'],
      spawn: unsupported('programs') as () => StreamingProgram,
      writeFile: async (file, content) => {
        world.dataIn(dataDir).files.set(file, content);
      },
      writeFileFrom: unsupported('file streams'),
      remove: async file => {
        world.dataIn(dataDir).files.delete(file);
      },
      unpack: unsupported('archives'),
      withPrivateDir: unsupported('directories'),
      fileExists: async file =>
        world.hasData(dataDir) && world.dataIn(dataDir).files.has(file),
      withSecretFile: unsupported('secret files'),
    };
  }
}

function instanceKey(cluster: ClusterKey, name: string): string {
  return `${cluster.uid}/${name}`;
}

function toRuntimeInstance(instance: MemoryInstance): RuntimeInstance {
  return {
    name: instance.name,
    node: instance.node,
    address: instance.address,
    running: instance.running,
    ...(instance.startedAt && { startedAt: instance.startedAt }),
  };
}
