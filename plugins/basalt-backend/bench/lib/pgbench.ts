import { ChildProcess, execFile, spawn } from 'child_process';
import { join } from 'path';
import { promisify } from 'util';
import { POSTGRES_BIN } from '../../src/__testUtils__/processes';
import { Connection } from './cluster';

const PGBENCH = join(POSTGRES_BIN, 'pgbench');
const run = promisify(execFile);
const alive = new Set<ChildProcess>();

// Last resort: no pgbench outlives the bench, however it ends.
process.on('exit', () => alive.forEach(child => child.kill('SIGKILL')));

const argsOf = (c: Connection) => [
  '-h',
  c.host,
  '-p',
  String(c.port),
  '-U',
  c.user,
  c.database,
];
const envOf = (c: Connection) => ({
  ...process.env,
  PGPASSWORD: c.password,
  PGCONNECT_TIMEOUT: '10',
});

/**
 * The background write load: real `pgbench` (TPC-B-like) clients through
 * the read-write endpoint. pgbench aborts a client whose connection breaks,
 * so a failover ends the run; `ensureRunning` starts a new one. It is load,
 * not the measurement; its progress reports give the throughput it reached.
 */
export class PgbenchLoad {
  /** Transactions per second from each `-P 1` progress report. */
  readonly tps: number[] = [];
  private child?: ChildProcess;

  constructor(
    private readonly connection: Connection,
    private readonly options: { clients: number; threads: number },
  ) {}

  /** `pgbench -i -s 1`: creates and fills the pgbench tables. */
  async initialize(): Promise<void> {
    const pending = run(
      PGBENCH,
      ['-i', '-s', '1', '-q', ...argsOf(this.connection)],
      { env: envOf(this.connection), timeout: 120_000 },
    );
    alive.add(pending.child);
    try {
      await pending;
    } finally {
      alive.delete(pending.child);
    }
  }

  /** Starts a long run unless one is still going. */
  ensureRunning(): void {
    if (this.child) return;
    const child = spawn(
      PGBENCH,
      [
        '-c',
        String(this.options.clients),
        '-j',
        String(this.options.threads),
        '-T',
        '86400',
        '-n',
        '-P',
        '1',
        '--max-tries=10',
        ...argsOf(this.connection),
      ],
      { env: envOf(this.connection), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    alive.add(child);
    let pending = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        // progress: 12.0 s, 853.2 tps, lat 4.684 ms stddev 1.2, 0 failed
        const match = /^progress: [\d.]+ s, ([\d.]+) tps/.exec(line);
        if (match) this.tps.push(Number(match[1]));
      }
    });
    child.once('exit', () => {
      alive.delete(child);
      if (this.child === child) this.child = undefined;
    });
  }

  /** Stops the current run and waits until it is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
