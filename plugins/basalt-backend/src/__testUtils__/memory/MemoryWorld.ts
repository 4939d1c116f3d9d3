import { EngineAddress } from '@basalt/plugin-basalt-node';

/**
 * One instance's data in the in-memory engine: what a real engine keeps on
 * disk, reduced to what the controller's decisions depend on.
 */
export interface MemoryData {
  role: 'primary' | 'replica';
  /** How far its history goes: written on a primary, received on a replica. */
  position: number;
  /** A replica's primary, as `host:port`. */
  primary?: string;
  databases: Set<string>;
  /** Each account's password, as the engine would check it. */
  accounts: Map<string, string>;
  writesLocked: boolean;
  synchronous: boolean;
  /** Configuration files, as the driver rendered them. */
  files: Map<string, string>;
}

/**
 * The in-memory engine's servers and data, shared by {@link MemoryRuntime}
 * (which starts and stops servers on data) and {@link MemoryDriver} (which
 * talks to servers by address and prepares data): Basalt's runtime and
 * driver contracts implemented without processes, for fast decision tests
 * of the controller. Writes reach every running replica at once unless the
 * test holds it back, so replicas differ only where a test makes them.
 */
export class MemoryWorld {
  /** Every change the runtime and the driver made, in words, in order. */
  readonly changes: string[] = [];
  /** How many times each cluster's instances were listed (once per reconcile pass). */
  readonly listings = new Map<string, number>();
  private readonly data = new Map<string, MemoryData>();
  /** Running servers: address → the data directory they serve. */
  private readonly servers = new Map<string, string>();
  private readonly held = new Set<string>();

  /** Creates empty data in `dataDir`. */
  create(dataDir: string, data: Omit<MemoryData, 'files'>): MemoryData {
    const created = { ...data, files: new Map<string, string>() };
    this.data.set(dataDir, created);
    return created;
  }

  dataIn(dataDir: string): MemoryData {
    const found = this.data.get(dataDir);
    if (!found) throw new Error(`No data in ${dataDir}`);
    return found;
  }

  hasData(dataDir: string): boolean {
    return this.data.has(dataDir);
  }

  removeData(dataDir: string): void {
    this.data.delete(dataDir);
  }

  start(address: EngineAddress, dataDir: string): void {
    this.servers.set(key(address), dataDir);
    this.catchUp();
  }

  stop(address: EngineAddress): void {
    this.servers.delete(key(address));
  }

  /** The data a running server at `address` serves; undefined when none runs. */
  serving(address: EngineAddress | string): MemoryData | undefined {
    const dataDir = this.servers.get(
      typeof address === 'string' ? address : key(address),
    );
    return dataDir ? this.data.get(dataDir) : undefined;
  }

  /**
   * A client's writes on the primary at `address`: its position moves on,
   * and every running replica streaming from it receives them unless held.
   *
   * @throws Error when no primary that takes writes runs there.
   */
  write(address: EngineAddress, count = 1): void {
    const data = this.serving(address);
    if (!data || data.role !== 'primary' || data.writesLocked) {
      throw new Error(`${key(address)} takes no writes`);
    }
    data.position += count;
    this.catchUp();
  }

  /** Stops the replica at `address` from receiving, as a lagging network would. */
  hold(address: EngineAddress): void {
    this.held.add(key(address));
  }

  /** Lets a held replica receive again. */
  release(address: EngineAddress): void {
    this.held.delete(key(address));
    this.catchUp();
  }

  /** The primary a replica at `address` streams from, as `host:port`. */
  primaryOf(address: EngineAddress): string | undefined {
    return this.serving(address)?.primary;
  }

  private catchUp(): void {
    for (const [address, dataDir] of this.servers) {
      const data = this.data.get(dataDir)!;
      if (data.role !== 'replica' || !data.primary) continue;
      if (this.held.has(address)) continue;
      const primary = this.serving(data.primary);
      if (primary?.role === 'primary') {
        data.position = Math.max(data.position, primary.position);
      }
    }
  }
}

/** `host:port`. */
export function key(address: EngineAddress): string {
  return `${address.host}:${address.port}`;
}
