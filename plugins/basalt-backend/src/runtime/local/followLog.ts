import fs from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { LogReadOptions } from '@basalt/plugin-basalt-node';

/** Options of {@link followLog}. */
export interface FollowLogOptions extends LogReadOptions {
  /**
   * How often a followed file is looked at for new lines; defaults to 250 ms.
   * Polling rather than fs.watch: watch events are lost on some file
   * systems and do not survive the file being replaced.
   */
  pollIntervalMs?: number;
}

const NEWLINE = 0x0a;
const CHUNK_BYTES = 64 * 1024;
/** How far back the tail may reach, so a log without newlines is not read whole. */
const MAX_TAIL_BYTES = 32 * 1024 * 1024;
/** How much one poll reads; the rest is read on the next round at once. */
const MAX_READ_BYTES = 1024 * 1024;
/** A line longer than this is sent in pieces rather than held in memory. */
const MAX_LINE_BYTES = 64 * 1024;

interface FileIdentity {
  dev: number;
  ino: number;
}

/**
 * Reads a log file the way `tail -n N -F` does: the last `tailLines` lines
 * (reading backwards from the end, never the whole file), then, with
 * `follow`, each line appended later, until `signal` aborts. A line is sent
 * once its newline is written; a truncated file is read again from its
 * start, and so is a file that was replaced (a new inode) or that appears
 * later. Without `follow` the file's last, unfinished line is sent too.
 */
export async function* followLog(
  file: string,
  options: FollowLogOptions,
): AsyncGenerator<string> {
  const { signal } = options;
  const tail = await readTail(file, options.tailLines);
  for (const line of tail.lines) {
    if (signal.aborted) return;
    yield line;
  }
  if (!options.follow) {
    if (tail.partial) yield tail.partial;
    return;
  }
  yield* followFrom(file, tail.position, tail.identity, options);
}

/** The last `count` complete lines, the unfinished one, and where it starts. */
async function readTail(
  file: string,
  count: number,
): Promise<{
  lines: string[];
  partial: string;
  position: number;
  identity?: FileIdentity;
}> {
  const handle = await openIfExists(file);
  if (!handle) return { lines: [], partial: '', position: 0 };
  try {
    const { size, dev, ino } = await handle.stat();
    const chunks: Buffer[] = [];
    let start = size;
    let newlines = 0;
    // count + 1 newlines: the one before the first wanted line proves that
    // line is complete rather than cut by where reading began.
    while (start > 0 && newlines <= count && size - start < MAX_TAIL_BYTES) {
      const length = Math.min(CHUNK_BYTES, start);
      start -= length;
      const chunk = await readRange(handle, start, length);
      chunks.unshift(chunk);
      newlines += countNewlines(chunk);
    }
    const buffer = Buffer.concat(chunks);
    const end = buffer.lastIndexOf(NEWLINE) + 1;
    const lines = splitLines(buffer.subarray(0, end));
    if (start > 0) lines.shift(); // begins where reading began: maybe cut
    return {
      lines: count > 0 ? lines.slice(-count) : [],
      partial: decode(
        buffer.subarray(Math.max(end, buffer.length - MAX_LINE_BYTES)),
      ),
      position: start + end,
      identity: { dev, ino },
    };
  } finally {
    await handle.close();
  }
}

/** Where following a file stands between two reads. */
interface FollowState {
  position: number;
  identity?: FileIdentity;
  pending: Buffer;
}

async function* followFrom(
  file: string,
  startPosition: number,
  startIdentity: FileIdentity | undefined,
  options: FollowLogOptions,
): AsyncGenerator<string> {
  const { signal, pollIntervalMs = 250 } = options;
  const state: FollowState = {
    position: startPosition,
    identity: startIdentity,
    pending: Buffer.alloc(0),
  };
  while (!signal.aborted) {
    const { lines, more } = await readAppended(file, state);
    for (const line of lines) {
      if (signal.aborted) return;
      yield line;
    }
    if (!more) await sleep(pollIntervalMs, signal);
  }
}

/**
 * The lines appended to `file` since `state`, which it advances, and whether
 * more is there already. The file is closed before any line is yielded: a
 * reader abandoned between two lines must not hold a descriptor.
 */
async function readAppended(
  file: string,
  state: FollowState,
): Promise<{ lines: string[]; more: boolean }> {
  const handle = await openIfExists(file);
  if (!handle) return { lines: [], more: false };
  try {
    const stat = await handle.stat();
    const lines: string[] = [];
    const replaced =
      state.identity &&
      (state.identity.dev !== stat.dev || state.identity.ino !== stat.ino);
    if (replaced || stat.size < state.position) {
      // Rotated or truncated: what was unfinished will not be finished.
      if (state.pending.length) lines.push(decode(state.pending));
      state.position = 0;
      state.pending = Buffer.alloc(0);
    }
    state.identity = { dev: stat.dev, ino: stat.ino };
    const length = Math.min(stat.size - state.position, MAX_READ_BYTES);
    if (length <= 0) return { lines, more: false };
    const data = await readRange(handle, state.position, length);
    state.position += data.length;
    const split = splitComplete(Buffer.concat([state.pending, data]));
    state.pending = split.rest;
    lines.push(...split.lines);
    return { lines, more: state.position < stat.size };
  } finally {
    await handle.close();
  }
}

/** Complete lines of `buffer`, and the unfinished rest (cut when too long). */
function splitComplete(buffer: Buffer): { lines: string[]; rest: Buffer } {
  const end = buffer.lastIndexOf(NEWLINE) + 1;
  const lines = splitLines(buffer.subarray(0, end));
  let rest = buffer.subarray(end);
  while (rest.length > MAX_LINE_BYTES) {
    lines.push(decode(rest.subarray(0, MAX_LINE_BYTES)));
    rest = rest.subarray(MAX_LINE_BYTES);
  }
  return { lines, rest: Buffer.from(rest) };
}

/** Lines of a buffer that ends with a newline (or is empty). */
function splitLines(buffer: Buffer): string[] {
  if (buffer.length === 0) return [];
  // Split on bytes, decode each line: a multi-byte character is never cut.
  const lines: string[] = [];
  let from = 0;
  for (let at = buffer.indexOf(NEWLINE); at >= 0; ) {
    lines.push(decode(buffer.subarray(from, at)));
    from = at + 1;
    at = buffer.indexOf(NEWLINE, from);
  }
  return lines;
}

function decode(bytes: Buffer): string {
  return bytes.toString('utf8').replace(/\r$/, '');
}

function countNewlines(buffer: Buffer): number {
  let count = 0;
  for (let at = buffer.indexOf(NEWLINE); at >= 0; ) {
    count++;
    at = buffer.indexOf(NEWLINE, at + 1);
  }
  return count;
}

async function readRange(
  handle: fs.FileHandle,
  position: number,
  length: number,
): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

async function openIfExists(file: string): Promise<fs.FileHandle | undefined> {
  try {
    return await fs.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Waits `ms`, or less when `signal` aborts; leaves no timer or listener. */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // Aborted: the caller sees the signal and stops.
  }
}
