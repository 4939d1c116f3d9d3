import { createHash, Hash } from 'crypto';
import { Readable, Transform, TransformCallback } from 'stream';
import { BackupCorruptedError, BackupDigest } from './BackupCorruptedError';

/** Passes bytes through unchanged, counting them and hashing them. */
export class DigestStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  // Not `size`: the AWS SDK reads a body's `size` as its length.
  private bytes = 0;

  _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: TransformCallback,
  ) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  /** The size and hex SHA-256 of everything passed; call once, at the end. */
  digest(): BackupDigest {
    return { size: this.bytes, sha256: this.hash.digest('hex') };
  }
}

/** Reads `stream` to its end and returns its size and SHA-256. */
export async function digestOf(stream: Readable): Promise<BackupDigest> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    hash.update(bytes);
    size += bytes.length;
  }
  return { size, sha256: hash.digest('hex') };
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
