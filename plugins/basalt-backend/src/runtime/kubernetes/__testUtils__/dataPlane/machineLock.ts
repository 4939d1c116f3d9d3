import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

/**
 * Takes an exclusive lock that every process on this machine shares, by
 * name, and resolves with its release once held. The lock is `flock(1)`'s:
 * the kernel drops it when its holder dies, so a crashed test run never
 * leaves it taken. Waiting is the kernel's too (no polling).
 *
 * Used where something is machine-wide: kubelets own host paths and
 * cgroups that a second data plane would fight over.
 */
export async function lockMachine(name: string): Promise<() => Promise<void>> {
  const file = path.join(os.tmpdir(), `basalt-${name}.lock`);
  const holder = spawn(
    'setpriv',
    [
      '--pdeathsig',
      'KILL',
      '--',
      'flock',
      '--exclusive',
      file,
      'sh',
      '-c',
      // Holds the lock until its stdin closes.
      'echo locked && exec cat >/dev/null',
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>(resolve => holder.once('exit', resolve));
  let earlyExit: (() => void) | undefined;
  await new Promise<void>((resolve, reject) => {
    earlyExit = () =>
      reject(new Error(`flock ${file} exited before taking the lock`));
    holder.once('error', reject);
    holder.once('exit', earlyExit);
    holder.stdout!.once('data', () => resolve());
  });
  holder.off('exit', earlyExit!);
  return async () => {
    holder.stdin!.end();
    await exited;
  };
}
