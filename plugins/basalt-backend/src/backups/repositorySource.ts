import { Readable, Transform, TransformCallback } from 'stream';
import { NotFoundError } from '@backstage/errors';
import { BackupObjectRecord } from '@basalt/plugin-basalt-common';
import { ArchivedLogSource, BackupSource } from '@basalt/plugin-basalt-node';
import { BackupDigest } from './BackupCorruptedError';
import { BackupRepository } from './BackupRepository';
import { checkDigest, RunningDigest } from './digest';
import { objectKey } from './repositorySink';

/**
 * A {@link @basalt/plugin-basalt-node#BackupSource} over a backup's objects
 * in a repository, as {@link RepositorySink} recorded them. Each object is
 * known by the last segment of its key (the name the driver wrote it
 * under), and every stream checks its size and SHA-256 as it is read,
 * failing at its end with a `BackupCorruptedError` when they differ.
 */
export class RepositorySource implements BackupSource {
  readonly objects: string[];

  constructor(
    private readonly repository: BackupRepository,
    private readonly records: BackupObjectRecord[],
  ) {
    this.objects = records.map(record => nameOf(record.key));
  }

  async open(name: string): Promise<Readable> {
    const record = this.records.find(r => nameOf(r.key) === name);
    if (!record) {
      throw new NotFoundError(`The backup has no object named ${name}`);
    }
    return verified(await this.repository.get(record.key), record.key, record);
  }
}

/**
 * An {@link @basalt/plugin-basalt-node#ArchivedLogSource} over archived log
 * files under `prefix` in a repository: `files` in the order given, each
 * checked against its size and SHA-256 when `digests` has them.
 */
export function archivedLogSource(
  repository: BackupRepository,
  prefix: string,
  files: string[],
  digests: ReadonlyMap<string, BackupDigest> = new Map(),
): ArchivedLogSource {
  return {
    files,
    async open(name: string) {
      if (!files.includes(name)) {
        throw new NotFoundError(`The archive has no log file named ${name}`);
      }
      const key = objectKey(prefix, name);
      const body = await repository.get(key);
      const expected = digests.get(name);
      return expected ? verified(body, key, expected) : body;
    },
  };
}

/** Passes bytes through and fails at the end unless they are `expected`. */
class DigestCheck extends Transform {
  private readonly running = new RunningDigest();

  constructor(
    private readonly key: string,
    private readonly expected: BackupDigest,
  ) {
    super();
  }

  _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: TransformCallback,
  ) {
    done(null, this.running.add(chunk));
  }

  _flush(done: TransformCallback) {
    try {
      checkDigest(this.key, this.expected, this.running.result());
      done();
    } catch (error) {
      done(error as Error);
    }
  }
}

/** `body`, failing at its end when it is not exactly `expected`. */
function verified(
  body: Readable,
  key: string,
  expected: BackupDigest,
): Readable {
  const check = new DigestCheck(key, expected);
  body.on('error', error => check.destroy(error));
  return body.pipe(check);
}

function nameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
