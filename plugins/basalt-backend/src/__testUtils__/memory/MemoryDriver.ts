import {
  ConnectionSettings,
  EngineCapabilities,
  EngineCluster,
  ManifestIssue,
} from '@basalt/plugin-basalt-common';
import {
  BindingRequest,
  ConnectionRequest,
  EngineAddress,
  EngineContext,
  EngineDriver,
  EngineHost,
  EngineProcess,
  InstanceProbe,
  ParsedLogLine,
  ReplicationPosition,
  ReplicationSource,
} from '@basalt/plugin-basalt-node';
import { MemoryBackups } from './MemoryBackups';
import { key, MemoryData, MemoryWorld } from './MemoryWorld';

const CAPABILITIES: EngineCapabilities = {
  kind: 'database',
  databases: true,
  replication: {
    modes: ['async', 'sync'],
    syncGuarantee: 'A commit waits for one replica (in memory).',
    lag: ['bytes'],
  },
  accountRoles: ['readwrite', 'readonly', 'admin'],
  backups: {
    methods: ['physical', 'logical'],
    pointInTime: {
      log: 'memory log',
      rpo: 'The writes after the last complete log file (5 writes).',
    },
  },
  writeLock: true,
  tls: true,
};

const PROCESS: EngineProcess = {
  stopSignal: 'SIGTERM',
  binDir: '/nonexistent',
  debianPackage: 'none',
  container: {
    image: 'memory:1',
    port: 1,
    uid: 65534,
    gid: 65534,
    programs: [],
    readinessCommand: () => ['true'],
  },
};

/**
 * The in-memory engine's driver (engine id `memory`): Basalt's driver
 * contract over a {@link MemoryWorld}, for decision tests of the
 * controller, with backups whose log is streamed ({@link MemoryBackups}).
 */
export class MemoryDriver implements EngineDriver {
  readonly engine = 'memory';
  readonly versions = ['1'];
  readonly defaultVersion = '1';
  readonly capabilities = CAPABILITIES;
  readonly process = PROCESS;
  readonly programs = [];
  readonly parameters = [];
  readonly refusedParameters = [];
  readonly reservedNames = {
    accounts: ['basalt'],
    accountPrefixes: [],
    databases: [],
  };

  readonly backups: MemoryBackups;

  constructor(private readonly world: MemoryWorld) {
    this.backups = new MemoryBackups(world);
  }

  checkSpec(_spec: EngineCluster['spec']): ManifestIssue[] {
    return [];
  }

  async initializePrimary(host: EngineHost): Promise<void> {
    this.world.create(host.dataDir, {
      role: 'primary',
      position: 0,
      databases: new Set(),
      accounts: new Map(),
      writesLocked: false,
      synchronous: false,
    });
  }

  async initializeReplica(
    host: EngineHost,
    _context: EngineContext,
    source: ReplicationSource,
  ): Promise<void> {
    const primary = this.running(source.address);
    this.world.create(host.dataDir, {
      ...primary,
      role: 'replica',
      primary: key(source.peerAddress),
      databases: new Set(primary.databases),
      accounts: new Map(primary.accounts),
    });
  }

  serverCommand(): { program: string; args: string[] } {
    return { program: 'memory-server', args: [] };
  }

  configurationFiles(
    _host: EngineHost,
    context: EngineContext,
  ): Record<string, string> {
    return { 'memory.conf': JSON.stringify(context.spec.parameters) };
  }

  async reloadConfiguration(): Promise<void> {}

  restartPrimaryFirst(): boolean {
    return false;
  }

  async probe(address: EngineAddress): Promise<InstanceProbe> {
    const data = this.world.serving(address);
    if (!data) {
      return { ready: false, role: 'unknown', message: 'connection refused' };
    }
    const primary = data.primary && this.world.serving(data.primary);
    const behind =
      data.role === 'replica' && primary
        ? Math.max(0, primary.position - data.position)
        : 0;
    return {
      ready: true,
      role: data.role,
      position: String(data.position),
      lag: { bytes: behind },
    };
  }

  bindingEntries(request: BindingRequest): Record<string, string> {
    return {
      type: 'memory',
      provider: 'basalt',
      endpoint: request.endpoint,
      username: request.account,
      password: request.password,
    };
  }

  connectionSettings(request: ConnectionRequest): ConnectionSettings {
    const { endpoint, account, database = '' } = request;
    return {
      url: `memory://${account}@${endpoint}/${database}`,
      parameters: [
        { name: 'endpoint', value: endpoint },
        { name: 'account', value: account },
      ],
    };
  }

  /** Positions are decimal counts of writes. */
  comparePositions(a: ReplicationPosition, b: ReplicationPosition): number {
    return Number(a) - Number(b);
  }

  async promote(address: EngineAddress): Promise<void> {
    const data = this.running(address);
    data.role = 'primary';
    data.primary = undefined;
    this.world.changes.push(`promoted ${key(address)}`);
  }

  async follow(
    replica: { name: string; address: EngineAddress },
    primary: EngineAddress,
  ): Promise<void> {
    this.running(replica.address).primary = key(primary);
    this.world.changes.push(`${replica.name} follows ${key(primary)}`);
  }

  async ensureSynchronousReplication(
    primary: EngineAddress,
    _context: EngineContext,
    synchronous: boolean,
  ): Promise<boolean> {
    const data = this.running(primary);
    if (data.synchronous === synchronous) return false;
    data.synchronous = synchronous;
    this.world.changes.push(`synchronous ${synchronous}`);
    return true;
  }

  async prepareReplica(
    host: EngineHost,
    _context: EngineContext,
    replica: { name: string; primary: ReplicationSource },
  ): Promise<string[]> {
    const data = this.world.dataIn(host.dataDir);
    const wasPrimary = data.role === 'primary';
    this.world.changes.push(`${replica.name} prepared as a replica`);
    data.role = 'replica';
    data.primary = key(replica.primary.peerAddress);
    const primary = this.world.serving(replica.primary.address);
    if (!wasPrimary || !primary) return [];
    // What it wrote that the new primary lacks is gone, as after a rewind.
    data.position = Math.min(data.position, primary.position);
    return ['reset to the new primary'];
  }

  async ensureDatabasesAndAccounts(
    primary: EngineAddress,
    context: EngineContext,
  ): Promise<string[]> {
    const data = this.running(primary);
    const done: string[] = [];
    for (const database of context.spec.databases) {
      if (!data.databases.has(database)) {
        data.databases.add(database);
        done.push(`created database ${database}`);
      }
    }
    for (const { name } of context.spec.accounts) {
      const password = context.credentials.accounts[name];
      if (!data.accounts.has(name)) {
        done.push(`created account ${name}`);
      } else if (data.accounts.get(name) !== password) {
        done.push(`set the password of account ${name}`);
      }
      data.accounts.set(name, password);
    }
    this.world.changes.push(...done);
    return done;
  }

  async setWritesLocked(
    primary: EngineAddress,
    _context: EngineContext,
    locked: boolean,
  ): Promise<void> {
    const data = this.running(primary);
    if (data.writesLocked !== locked) {
      data.writesLocked = locked;
      this.world.changes.push(locked ? 'locked writes' : 'unlocked writes');
    }
  }

  parseLogLine(): ParsedLogLine {
    return { level: 'info' };
  }

  private running(address: EngineAddress): MemoryData {
    const data = this.world.serving(address);
    if (!data) throw new Error(`connect ECONNREFUSED ${key(address)}`);
    return data;
  }
}
