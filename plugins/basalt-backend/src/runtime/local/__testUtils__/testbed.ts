import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { mockServices } from '@backstage/backend-test-utils';
import { ClusterKey, EngineAddress } from '@basalt/plugin-basalt-node';
import { isProcessUnder } from '../../../testUtils/killProcessesUnder';
import { releaseVolumesUnder } from '../../../testUtils/releaseVolumesUnder';
import { LocalRuntime } from '../LocalRuntime';
import { localEngines } from '../LocalEngine';
import { POSTGRES_PROCESS } from '../../../engines/postgresql/process';
import { REDIS_PROCESS } from '../../../engines/redis/process';
import { PortRange } from '../PortAllocator';

/** The PostgreSQL 15 programs the tests run. */
export const POSTGRES_BIN_DIR = '/usr/lib/postgresql/15/bin';

/**
 * A temporary root directory with runtimes over it, and the means to leave
 * nothing behind: {@link Testbed.cleanup} kills every server below the root
 * (whatever state a failed test left it in) and removes the directory.
 */
export class Testbed {
  readonly logger = mockServices.logger.mock();
  private readonly runtimes: LocalRuntime[] = [];

  private constructor(
    readonly rootDir: string,
    readonly portRange: PortRange,
  ) {}

  static async create(portRange: PortRange): Promise<Testbed> {
    const rootDir = await fs.mkdtemp(path.join(os.tmpdir(), 'basalt-test-'));
    // The engine user ('nobody' when tests run as root) must reach its data.
    await fs.chmod(rootDir, 0o755);
    return new Testbed(rootDir, portRange);
  }

  /**
   * A runtime over the testbed's root; stopped by {@link Testbed.cleanup}.
   * Volumes are enforced unless `volumes` says otherwise, as in production.
   */
  async runtime(
    nodes = ['node-a', 'node-b'],
    volumes?: { enforce: boolean },
  ): Promise<LocalRuntime> {
    const runtime = await LocalRuntime.create({
      rootDir: this.rootDir,
      nodes,
      volumes,
      engines: localEngines(
        [
          { engine: 'postgresql', process: POSTGRES_PROCESS },
          { engine: 'redis', process: REDIS_PROCESS },
        ],
        {
          postgresql: POSTGRES_BIN_DIR,
        },
      ),
      portRange: this.portRange,
      logger: this.logger,
    });
    this.runtimes.push(runtime);
    return runtime;
  }

  /** Everything the testbed's loggers were given, as one string. */
  loggedText(): string {
    const calls = Object.values(this.logger)
      .filter(value => jest.isMockFunction(value))
      .flatMap(fn => (fn as jest.Mock).mock.calls);
    return calls
      .flat()
      .map(arg =>
        arg instanceof Error ? `${arg.message}\n${arg.stack}` : String(arg),
      )
      .join('\n');
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.runtimes.map(runtime => runtime.stop()));
    await killServersUnder(this.rootDir);
    // Volumes (and pools) mounted under the root, their loop devices and
    // throttle groups: the root cannot be removed while they are there.
    await releaseVolumesUnder(this.rootDir);
    await fs.rm(this.rootDir, { recursive: true, force: true });
  }
}

/**
 * Kills (SIGKILL, whole process group) every server with a pid file below
 * `dir`, and any other process under it ({@link isProcessUnder}).
 */
export async function killServersUnder(dir: string): Promise<void> {
  const pids = new Set(await processesMentioning(dir));
  for (const entry of await fs.readdir('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && isProcessUnder(pid, dir)) pids.add(pid);
  }
  for (const file of await findFiles(dir, ['server.pid', 'postmaster.pid'])) {
    const pid = Number.parseInt(
      (await fs.readFile(file, 'utf8')).split('\n')[0],
      10,
    );
    if (pid > 1 && isProcessUnder(pid, dir)) pids.add(pid);
  }
  for (const pid of pids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  const deadline = Date.now() + 5000;
  while ([...pids].some(pid => isAlive(pid)) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

/** The pids of processes whose command line mentions `text`. */
export async function processesMentioning(text: string): Promise<number[]> {
  const found = new Map<number, number>(); // pid -> parent pid
  for (const entry of await fs.readdir('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && (await commandLine(pid)).includes(text)) {
      found.set(pid, await parentOf(pid));
    }
  }
  // A server's just-forked child shows its parent's command line for a
  // moment; only the server itself counts.
  return [...found.keys()].filter(pid => !found.has(found.get(pid)!));
}

async function parentOf(pid: number): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command (which may contain spaces) in parentheses.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A cluster key with a fresh uid. */
export function clusterKey(name: string, namespace = 'default'): ClusterKey {
  return {
    namespace,
    name,
    uid: `${name}-${Math.random().toString(36).slice(2)}`,
  };
}

export { postgresSpec } from '../../../__testUtils__/manifests';

/** Splits a `host:port` endpoint. */
export function parseEndpoint(endpoint: string | undefined): EngineAddress {
  const [host, port] = (endpoint ?? '').split(':');
  return { host, port: Number(port) };
}

/**
 * Runs one query on a fresh connection and returns its rows. Like a
 * patient client, it retries while the server says it is starting up.
 */
export async function query<T extends object = Record<string, unknown>>(
  address: EngineAddress,
  login: { username: string; password: string },
  sql: string,
  database = 'postgres',
): Promise<T[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new Client({
      host: address.host,
      port: address.port,
      user: login.username,
      password: login.password,
      database,
      connectionTimeoutMillis: 5000,
    });
    try {
      await client.connect();
      return (await client.query(sql)).rows as T[];
    } catch (error) {
      const startingUp = (error as { code?: string }).code === '57P03';
      if (!startingUp || Date.now() > deadline) throw error;
    } finally {
      await client.end().catch(() => {});
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

async function commandLine(pid: number): Promise<string> {
  try {
    return (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(
      /\0/g,
      ' ',
    );
  } catch {
    return '';
  }
}

async function findFiles(dir: string, names: string[]): Promise<string[]> {
  const found: string[] = [];
  const entries = await fs
    .readdir(dir, { withFileTypes: true })
    .catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...(await findFiles(full, names)));
    } else if (names.includes(entry.name)) {
      found.push(full);
    }
  }
  return found;
}

export { eventually } from '../../../testUtils/eventually';
