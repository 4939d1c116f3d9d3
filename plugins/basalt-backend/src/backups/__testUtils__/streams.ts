import { createHash } from 'crypto';
import { Readable } from 'stream';
import { BackupDigest } from '../BackupCorruptedError';

const CHUNK = 64 * 1024;

function chunkAt(index: number, length: number): Buffer {
  const seed = createHash('sha256').update(`chunk-${index}`).digest();
  const chunk = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += seed.length) {
    seed.copy(chunk, offset);
  }
  return chunk;
}

/**
 * A stream of `size` deterministic bytes produced 64 KiB at a time, never
 * held whole; with `failAfter`, it fails with `error` once that many bytes
 * have been read.
 */
export function generatedStream(
  size: number,
  options: { failAfter?: number; error?: Error } = {},
): Readable {
  let produced = 0;
  let index = 0;
  return new Readable({
    read() {
      if (options.failAfter !== undefined && produced >= options.failAfter) {
        this.destroy(options.error ?? new Error('generated stream failed'));
        return;
      }
      if (produced >= size) {
        this.push(null);
        return;
      }
      const length = Math.min(CHUNK, size - produced);
      produced += length;
      this.push(chunkAt(index++, length));
    },
  });
}

/** The size and SHA-256 of what `generatedStream(size)` produces. */
export function generatedDigest(size: number): BackupDigest {
  const hash = createHash('sha256');
  let index = 0;
  for (let produced = 0; produced < size; produced += CHUNK) {
    hash.update(chunkAt(index++, Math.min(CHUNK, size - produced)));
  }
  return { size, sha256: hash.digest('hex') };
}

/** The SHA-256 of `bytes`, hex. */
export function sha256Of(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
