import { execFileSync } from 'child_process';
import { readdirSync, readFileSync } from 'fs';

/** Clock ticks per second, the unit of CPU times in /proc. */
const TICKS_PER_SECOND = Number(
  execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(),
);

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime, in seconds. */
  own: number;
  /** cutime + cstime: children it has reaped, in seconds. */
  reaped: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields follow its ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const tick = (i: number) => Number(fields[i]) / TICKS_PER_SECOND;
    return {
      pid,
      ppid: Number(fields[1]),
      own: tick(11) + tick(12),
      reaped: tick(13) + tick(14),
    };
  } catch {
    return undefined; // gone meanwhile
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * CPU seconds used so far by the engine servers whose command line names
 * `rootDir` and by all their processes, ended ones included: the server
 * reaps its ended children (PostgreSQL's backends, one per connection),
 * whose time then counts in its own `cutime`/`cstime`.
 */
export function engineCpuSeconds(rootDir: string): number {
  const stats = readdirSync('/proc')
    .filter(entry => /^\d+$/.test(entry))
    .map(entry => readStat(Number(entry)))
    .filter((stat): stat is ProcStat => stat !== undefined);
  const servers = new Set(
    stats
      .filter(stat => commandLine(stat.pid).includes(rootDir))
      .map(stat => stat.pid),
  );
  return stats.reduce((sum, stat) => {
    if (servers.has(stat.pid)) return sum + stat.own + stat.reaped;
    if (servers.has(stat.ppid)) return sum + stat.own;
    return sum;
  }, 0);
}

/** CPU seconds this process (the backend, in benches) has used so far. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
