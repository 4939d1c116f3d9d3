import { readdirSync, readFileSync, readlinkSync } from 'fs';
import { releaseVolumesUnder } from './releaseVolumesUnder';

/**
 * Whether process `pid` belongs under `dir`: its command line names it, or
 * it works in it. The second finds a server that rewrites its command line
 * (redis-server shows only its address there) in its data directory, also
 * once that was deleted.
 */
export function isProcessUnder(pid: number, dir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.replace(/\0/g, ' ').includes(dir)) return true;
    const cwd = readlinkSync(`/proc/${pid}/cwd`);
    return cwd === dir || cwd.startsWith(`${dir}/`);
  } catch {
    return false; // gone already, or not ours to read
  }
}

/**
 * Kills every process under `dir` ({@link isProcessUnder}: engine servers
 * and tools started for a test) and waits until they are gone, then releases
 * the volumes and throttle groups under `dir` ({@link releaseVolumesUnder}),
 * which only a dead server lets go of and without which `dir` could not be
 * removed. Tests call it in `afterAll`/`afterEach`, before removing `dir`,
 * so nothing is left behind even when they fail.
 */
export async function killProcessesUnder(dir: string): Promise<number[]> {
  const victims: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if (!isProcessUnder(pid, dir)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      victims.push(pid);
    } catch {
      // gone already
    }
  }
  const alive = (pid: number) => {
    try {
      // A zombie still answers kill(0); its /proc status says so.
      return !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 200 && victims.some(alive); i++) {
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  await releaseVolumesUnder(dir);
  return victims;
}
