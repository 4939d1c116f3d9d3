import { readdirSync, readFileSync } from 'fs';
import { releaseVolumesUnder } from './releaseVolumesUnder';

/**
 * Kills every process whose command line mentions `dir` (engine servers and
 * tools started for a test) and waits until they are gone, then releases
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
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.replace(/\0/g, ' ').includes(dir)) {
        process.kill(pid, 'SIGKILL');
        victims.push(pid);
      }
    } catch {
      // gone already, or not ours to read
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
