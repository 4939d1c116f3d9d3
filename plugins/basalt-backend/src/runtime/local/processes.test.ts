import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isServerAlive } from './processes';

describe('isServerAlive', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'basalt-alive-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A running shell with `args` on its command line, working in `cwd`. */
  async function running(args: string[], cwd: string): Promise<number> {
    // `; :` keeps the shell itself running (it would exec a lone command).
    const child = spawn('sh', ['-c', 'sleep 300; :', 'sh', ...args], {
      cwd,
      stdio: 'ignore',
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return child.pid!;
  }

  it('knows a server by its data directory on its command line', async () => {
    const pid = await running([`--data=${dataDir}`], os.tmpdir());
    expect(await isServerAlive(pid, dataDir)).toBe(true);
  });

  it('knows a server that renamed itself by the directory it works in', async () => {
    // As Redis does: its process title no longer names its directory.
    const pid = await running([], dataDir);
    expect(await isServerAlive(pid, dataDir)).toBe(true);
  });

  it('does not take an unrelated process with the pid for the server', async () => {
    const pid = await running([], os.tmpdir());
    expect(await isServerAlive(pid, dataDir)).toBe(false);
  });

  it('answers false for a process that is gone', async () => {
    const pid = await running([], dataDir);
    const child = children[children.length - 1];
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(await isServerAlive(pid, dataDir)).toBe(false);
  });
});
