import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { resolveEngineUser } from './engineUser';
import { LocalEngineHost } from './LocalEngineHost';

describe('LocalEngineHost.spawn', () => {
  let root: string;
  let host: LocalEngineHost;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'basalt-spawn-'));
    await fs.chmod(root, 0o755);
    // The engine's "programs": cat, id and false from the system.
    const binDir = path.join(root, 'bin');
    await fs.mkdir(binDir);
    for (const program of ['cat', 'id', 'false']) {
      await fs.symlink(`/usr/bin/${program}`, path.join(binDir, program));
    }
    const dataDir = path.join(root, 'data');
    await fs.mkdir(dataDir, { mode: 0o755 });
    host = new LocalEngineHost({
      dataDir,
      scratchDir: root,
      address: { host: '127.0.0.1', port: 1 },
      binDir,
      user: await resolveEngineUser('nobody'),
    });
  });

  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  const sha256 = () => createHash('sha256');

  it('streams input through the program and its output back, without holding either', async () => {
    const input = randomBytes(32 * 1024 * 1024);
    const program = host.spawn('cat', []);
    const received = sha256();
    await Promise.all([
      pipeline(Readable.from([input]), program.stdin),
      pipeline(program.stdout, received),
      program.exited,
    ]);
    expect(received.digest('hex')).toBe(sha256().update(input).digest('hex'));
  });

  it("runs as the engine's user", async () => {
    const program = host.spawn('id', ['-u']);
    program.stdin.end();
    const chunks: Buffer[] = [];
    for await (const chunk of program.stdout) chunks.push(chunk);
    await program.exited;
    const user = await resolveEngineUser('nobody');
    expect(Buffer.concat(chunks).toString().trim()).toBe(String(user.uid));
  });

  it('rejects when the program fails, naming it', async () => {
    const program = host.spawn('false', []);
    program.stdin.end();
    program.stdout.resume();
    await expect(program.exited).rejects.toThrow('false exited with code 1');
  });

  it('kills the program when its signal aborts', async () => {
    const abort = new AbortController();
    const program = host.spawn('cat', [], { signal: abort.signal });
    program.stdout.resume();
    abort.abort();
    await expect(program.exited).rejects.toThrow(
      'cat was stopped: its work was cancelled',
    );
  });
});
