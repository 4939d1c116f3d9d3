import { CustomErrorBase } from '@backstage/errors';

/** The size and SHA-256 (hex) of a stored backup object. */
export interface BackupDigest {
  size: number;
  sha256: string;
}

/**
 * A stored backup object no longer matches the size or SHA-256 recorded when
 * it was written: it must not be restored from.
 */
export class BackupCorruptedError extends CustomErrorBase {
  name = 'BackupCorruptedError' as const;

  readonly key: string;
  readonly expected: BackupDigest;
  readonly actual: BackupDigest;

  constructor(key: string, expected: BackupDigest, actual: BackupDigest) {
    const mismatches: string[] = [];
    if (expected.size !== actual.size) {
      mismatches.push(
        `size is ${actual.size} bytes, expected ${expected.size}`,
      );
    }
    if (expected.sha256 !== actual.sha256) {
      mismatches.push(
        `sha256 is ${actual.sha256}, expected ${expected.sha256}`,
      );
    }
    super(`Backup object ${key} is corrupted: ${mismatches.join('; ')}`);
    this.key = key;
    this.expected = expected;
    this.actual = actual;
  }
}
