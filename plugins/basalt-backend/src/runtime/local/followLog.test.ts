import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { followLog, FollowLogOptions } from './followLog';

describe('followLog', () => {
  let dir: string;
  let file: string;
  const aborts: AbortController[] = [];

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'basalt-follow-'));
    file = path.join(dir, 'server.log');
  });

  afterEach(async () => {
    aborts.splice(0).forEach(abort => abort.abort());
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Starts reading; `take(n)` resolves with the next n lines. */
  function open(options: Partial<FollowLogOptions> = {}) {
    const abort = new AbortController();
    aborts.push(abort);
    const iterator = followLog(file, {
      tailLines: 100,
      follow: true,
      signal: abort.signal,
      pollIntervalMs: 10,
      ...options,
    });
    return {
      abort,
      iterator,
      async take(count: number): Promise<string[]> {
        const lines: string[] = [];
        while (lines.length < count) {
          const next = await iterator.next();
          if (next.done) break;
          lines.push(next.value);
        }
        return lines;
      },
      /** Everything until the iterator ends. */
      async rest(): Promise<string[]> {
        const lines: string[] = [];
        for await (const line of iterator) lines.push(line);
        return lines;
      },
    };
  }

  it('reads the last lines of a large file, across chunk boundaries', async () => {
    // Lines of varied length (some over 64 KiB) with multi-byte characters,
    // so chunks end inside lines and inside characters.
    const lines = Array.from({ length: 3000 }, (_, i) =>
      `${i} ${'é'.repeat(i % 100 === 0 ? 40_000 : i % 300)}`.trimEnd(),
    );
    await fs.writeFile(file, `${lines.join('\n')}\n`);
    // Short enough to read when it fails.
    const digest = (found: string[]) =>
      found.map(line => `${line.length}:${line.slice(0, 8)}`);

    for (const tailLines of [1, 3, 2500, 5000]) {
      const reader = open({ tailLines, follow: false });
      expect(digest(await reader.rest())).toEqual(
        digest(lines.slice(-tailLines)),
      );
    }
  });

  it('sends nothing of the past with tail 0, then what is written', async () => {
    await fs.writeFile(file, 'old 1\nold 2\n');
    const reader = open({ tailLines: 0 });
    const next = reader.take(1);
    // Lines keep coming: one written before the reader has looked at the
    // file is past too, so the first one sent is whichever came after.
    let written = 0;
    let writing = Promise.resolve();
    const writer = setInterval(() => {
      writing = writing.then(() => fs.appendFile(file, `new ${++written}\n`));
    }, 20);
    try {
      expect(await next).toEqual([expect.stringMatching(/^new \d+$/)]);
    } finally {
      clearInterval(writer);
      await writing;
    }
  });

  it('ends after the tail without follow, with the unfinished last line', async () => {
    await fs.writeFile(file, 'a\r\nb\n\nc');
    expect(await open({ follow: false }).rest()).toEqual(['a', 'b', '', 'c']);
    expect(await open({ follow: false, tailLines: 1 }).rest()).toEqual([
      '',
      'c',
    ]);
  });

  it('sends a line once it is finished, whole', async () => {
    await fs.writeFile(file, 'first\nsecond, unfin');
    const reader = open();
    expect(await reader.take(1)).toEqual(['first']);
    const next = reader.take(2);
    await new Promise(resolve => setTimeout(resolve, 50));
    await fs.appendFile(file, 'ished\nthird ');
    await new Promise(resolve => setTimeout(resolve, 50));
    await fs.appendFile(file, 'line\n');
    expect(await next).toEqual(['second, unfinished', 'third line']);
  });

  it('starts again from the top when the file is truncated', async () => {
    await fs.writeFile(file, 'one\ntwo\nthree\n');
    const reader = open();
    expect(await reader.take(3)).toEqual(['one', 'two', 'three']);
    const next = reader.take(1);
    await fs.truncate(file, 0);
    // Shorter than before, so the truncation shows whenever the reader looks
    // (a file that has grown past the old end by then looks appended to).
    await fs.appendFile(file, 'after\n');
    expect(await next).toEqual(['after']);
  });

  it('follows a file that is replaced by a new one', async () => {
    await fs.writeFile(file, 'old file\n');
    const reader = open();
    expect(await reader.take(1)).toEqual(['old file']);
    const next = reader.take(2);
    await fs.rename(file, `${file}.1`);
    // Longer than the old file, so only the new inode tells it is new.
    await fs.writeFile(file, 'new file, line 1\nnew file, line 2\n');
    expect(await next).toEqual(['new file, line 1', 'new file, line 2']);
  });

  it('waits for a file that does not exist yet', async () => {
    const reader = open();
    const next = reader.take(1);
    await new Promise(resolve => setTimeout(resolve, 50));
    await fs.writeFile(file, 'hello\n');
    expect(await next).toEqual(['hello']);
    expect(await open({ follow: false }).rest()).toEqual(['hello']);
    await fs.rm(file);
    expect(await open({ follow: false }).rest()).toEqual([]);
  });

  it('stops at once when aborted, even between slow polls', async () => {
    await fs.writeFile(file, 'only line\n');
    const reader = open({ pollIntervalMs: 60_000 });
    expect(await reader.take(1)).toEqual(['only line']);
    const waiting = reader.iterator.next();
    await new Promise(resolve => setTimeout(resolve, 20));
    const abortedAt = Date.now();
    reader.abort.abort();
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
    // Far less than the 60 s poll interval, with room for a loaded machine.
    expect(Date.now() - abortedAt).toBeLessThan(10_000);
  });

  it('holds no descriptor of the file while a reader is between lines', async () => {
    await fs.writeFile(file, 'old\n');
    const reader = open({ tailLines: 1 });
    // Once the tail is sent, what is appended is followed.
    expect(await reader.take(1)).toEqual(['old']);
    await fs.appendFile(file, 'one\ntwo\nthree\n');
    expect(await reader.take(1)).toEqual(['one']);
    // The reader stops asking, as a client that went away does: nothing may
    // keep the file open until garbage collection closes it.
    expect(await descriptorsOf(file)).toBe(0);
  });
});

/** How many of this process's descriptors are open on `file`. */
async function descriptorsOf(file: string): Promise<number> {
  const fds = await fs.readdir('/proc/self/fd');
  const targets = await Promise.all(
    fds.map(fd => fs.readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return targets.filter(target => target === file).length;
}
