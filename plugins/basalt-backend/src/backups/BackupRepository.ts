import { Readable } from 'stream';
import { BackupDigest } from './BackupCorruptedError';

export type { BackupDigest } from './BackupCorruptedError';

/** One object in a backup repository, as listed. */
export interface BackupObject {
  /** The object's key, relative to the repository (no repository prefix). */
  key: string;
  /** Size in bytes. */
  size: number;
  /** When the object was last written. */
  lastModified: Date;
}

/**
 * Where backups are kept: a filesystem directory or an S3-compatible bucket.
 *
 * Keys are relative, slash-separated paths such as
 * `payments/orders-db/<backup-id>/base.tar.gz`. A key that is empty, absolute,
 * or has an empty, `.` or `..` segment is rejected with an `InputError` naming
 * it.
 */
export interface BackupRepository {
  /**
   * Streams `body` into the object `key`, replacing any object there, and
   * returns the size and SHA-256 computed as the bytes passed (the object is
   * never held whole in memory).
   *
   * The object becomes visible only once complete: a filesystem repository
   * writes a temporary file in the same directory, syncs it and renames it
   * into place; an S3 repository uses a multipart upload, which appears
   * atomically on completion. When `body` or the write fails, the error is
   * rethrown and nothing partial remains under `key`.
   */
  put(key: string, body: Readable): Promise<BackupDigest>;

  /**
   * Opens the object `key` for reading.
   *
   * @throws NotFoundError when there is no such object.
   */
  get(key: string): Promise<Readable>;

  /**
   * Reads the object `key` again and checks it against the size and SHA-256
   * that `put` returned.
   *
   * @throws BackupCorruptedError naming the key and the mismatch.
   * @throws NotFoundError when there is no such object.
   */
  verify(key: string, expected: BackupDigest): Promise<void>;

  /**
   * The objects whose keys start with `prefix` (`''` for all), sorted by key.
   * A prefix that ends with `/` lists a "directory".
   */
  list(prefix: string): Promise<BackupObject[]>;

  /** Deletes the object `key`; deleting an absent object succeeds. */
  delete(key: string): Promise<void>;

  /**
   * Where the repository is, for logs and status messages, such as
   * `filesystem /var/basalt/backups` or `s3 https://host/bucket/prefix`.
   * Never includes credentials.
   */
  describe(): string;
}
