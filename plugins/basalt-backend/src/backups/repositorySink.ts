import { Readable } from 'stream';
import { InputError } from '@backstage/errors';
import { BackupObjectRecord } from '@basalt/plugin-basalt-common';
import { BackupSink } from '@basalt/plugin-basalt-node';
import { BackupRepository } from './BackupRepository';

/** A driver's object name: one path segment, e.g. `base.tar.gz`. */
const OBJECT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** `prefix` and `name` as one key, with exactly one slash between. */
export function objectKey(prefix: string, name: string): string {
  return prefix.endsWith('/') ? `${prefix}${name}` : `${prefix}/${name}`;
}

/**
 * A {@link @basalt/plugin-basalt-node#BackupSink} that stores each object a
 * driver writes under `prefix` in a backup repository (streamed, never held
 * whole) and records its key, size and SHA-256 for the backup's record.
 * Objects are recorded once stored; a failed `put` leaves nothing.
 */
export class RepositorySink implements BackupSink {
  /** What was stored so far, in the order the driver wrote it. */
  readonly objects: BackupObjectRecord[] = [];

  constructor(
    private readonly repository: BackupRepository,
    /** E.g. `backupPrefix(cluster, id)`, with or without a trailing slash. */
    private readonly prefix: string,
  ) {}

  async write(name: string, body: Readable): Promise<void> {
    if (!OBJECT_NAME.test(name)) {
      body.destroy();
      throw new InputError(`Invalid backup object name '${name}'`);
    }
    const key = objectKey(this.prefix, name);
    const digest = await this.repository.put(key, body);
    this.objects.push({ key, name, ...digest });
  }
}
