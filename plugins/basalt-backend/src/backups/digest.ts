import { createHash } from 'crypto';
import { Readable, Transform, TransformCallback } from 'stream';
import { BackupCorruptedError, BackupDigest } from './BackupCorruptedError';

/** Counts and hashes bytes as they go by. */
export class RunningDigest {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  /** Adds a chunk; returns it as a Buffer for whoever passes it on. */
  add(chunk: Buffer | Uint8Array | string): Buffer {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    this.hash.update(bytes);
    this.bytes += bytes.length;
    return bytes;
  }

  /** The size and hex SHA-256 of everything added; call once, at the end. */
  result(): BackupDigest {
    return { size: this.bytes, sha256: this.hash.digest('hex') };
  }
}

/** Passes bytes through unchanged, counting them and hashing them. */
export class DigestStream extends Transform {
  // Not `size`: the AWS SDK reads a body's `size` as its length.
  private readonly running = new RunningDigest();

  _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: TransformCallback,
  ) {
    done(null, this.running.add(chunk));
  }

  /** The size and hex SHA-256 of everything passed; call once, at the end. */
  digest(): BackupDigest {
    return this.running.result();
  }
}

/** Reads `stream` to its end and returns its size and SHA-256. */
export async function digestOf(stream: Readable): Promise<BackupDigest> {
  const running = new RunningDigest();
  for await (const chunk of stream) running.add(chunk);
  return running.result();
}

/** Throws `BackupCorruptedError` when `actual` differs from `expected`. */
export function checkDigest(
  key: string,
  expected: BackupDigest,
  actual: BackupDigest,
) {
  if (expected.size !== actual.size || expected.sha256 !== actual.sha256) {
    throw new BackupCorruptedError(key, expected, actual);
  }
}
