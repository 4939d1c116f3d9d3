// A shared suite is test code that other test files import and run.
/* eslint-disable jest/no-export */
import { InputError, NotFoundError } from '@backstage/errors';
import { Readable } from 'stream';
import { BackupCorruptedError } from '../BackupCorruptedError';
import { BackupRepository } from '../BackupRepository';
import { digestOf } from '../digest';
import { generatedDigest, generatedStream, sha256Of } from './streams';

/** A repository under test and ways to look behind it. */
export interface RepositoryFixture {
  repository: BackupRepository;
  /** Replaces the stored bytes of `key` without going through the repository. */
  overwriteRaw(key: string, bytes: Buffer): Promise<void>;
  /**
   * Everything the repository's storage holds, temporary files included,
   * as raw names.
   */
  rawEntries(): Promise<string[]>;
  /** Values that `describe()` must never show. */
  secrets: string[];
}

const MiB = 1024 * 1024;
const BAD_KEYS = ['', '/etc/passwd', '..', 'a/../../b', 'a//b', 'a/', './a'];

/**
 * The behaviour every `BackupRepository` must have, run against the
 * repository that `setup` returns before each test.
 */
export function describeRepositoryContract(
  name: string,
  setup: () => Promise<RepositoryFixture>,
) {
  describe(`${name} (BackupRepository contract)`, () => {
    let fixture: RepositoryFixture;
    let repository: BackupRepository;

    beforeEach(async () => {
      fixture = await setup();
      repository = fixture.repository;
    });

    it('streams a multi-megabyte object in and out with its size and sha256', async () => {
      const size = 12 * MiB + 12345;
      const expected = generatedDigest(size);
      const key = 'payments/orders-db/b-1/base.tar.gz';

      await expect(repository.put(key, generatedStream(size))).resolves.toEqual(
        expected,
      );
      await expect(digestOf(await repository.get(key))).resolves.toEqual(
        expected,
      );
      await expect(repository.verify(key, expected)).resolves.toBeUndefined();
      expect(await repository.list('payments/')).toEqual([
        { key, size, lastModified: expect.any(Date) },
      ]);
    }, 60_000);

    it('replaces an existing object', async () => {
      const key = 'team/db/b-2/dump.sql';
      await repository.put(key, Readable.from([Buffer.from('first version')]));
      const second = await repository.put(
        key,
        Readable.from([Buffer.from('the second')]),
      );
      expect(second).toEqual({ size: 10, sha256: sha256Of('the second') });
      await expect(digestOf(await repository.get(key))).resolves.toEqual(
        second,
      );
    });

    it('reports an object whose bytes changed as corrupted', async () => {
      const key = 'team/db/b-3/base.tar.gz';
      const stored = await repository.put(key, generatedStream(256 * 1024));

      const flipped = Buffer.alloc(256 * 1024, 7);
      await fixture.overwriteRaw(key, flipped);
      const sameSize = await repository.verify(key, stored).catch(e => e);
      expect(sameSize).toBeInstanceOf(BackupCorruptedError);
      expect(sameSize.name).toBe('BackupCorruptedError');
      expect(sameSize.message).toContain(key);
      expect(sameSize.message).toContain(`expected ${stored.sha256}`);
      expect(sameSize.message).not.toContain('size is');

      await fixture.overwriteRaw(key, Buffer.from('truncated'));
      const truncated = await repository.verify(key, stored).catch(e => e);
      expect(truncated).toBeInstanceOf(BackupCorruptedError);
      expect(truncated.message).toContain(
        `size is 9 bytes, expected ${256 * 1024}`,
      );
      expect(truncated.actual).toEqual({
        size: 9,
        sha256: sha256Of('truncated'),
      });
    });

    it.each([
      ['early', 1 * MiB],
      ['after the first part', 7 * MiB],
    ])(
      'leaves nothing behind when the body fails %s',
      async (_when, failAfter) => {
        const key = 'team/db/b-4/base.tar.gz';
        const failure = new Error('pg_basebackup exited with code 1');

        await expect(
          repository.put(
            key,
            generatedStream(12 * MiB, { failAfter, error: failure }),
          ),
        ).rejects.toBe(failure);

        await expect(repository.get(key)).rejects.toBeInstanceOf(NotFoundError);
        expect(await repository.list('')).toEqual([]);
        expect(await fixture.rawEntries()).toEqual([]);
      },
      60_000,
    );

    it('keeps the previous object when a replacement fails', async () => {
      const key = 'team/db/b-5/base.tar.gz';
      const previous = await repository.put(key, generatedStream(100_000));
      await expect(
        repository.put(key, generatedStream(MiB, { failAfter: 200_000 })),
      ).rejects.toThrow('generated stream failed');

      await expect(repository.verify(key, previous)).resolves.toBeUndefined();
      expect(await fixture.rawEntries()).toHaveLength(1);
    });

    it('answers NotFoundError for an absent object', async () => {
      await expect(repository.get('team/db/none/base.tar.gz')).rejects.toThrow(
        NotFoundError,
      );
      await expect(
        repository.verify('team/db/none/base.tar.gz', { size: 0, sha256: '' }),
      ).rejects.toThrow(NotFoundError);
    });

    it('lists by prefix and deletes idempotently', async () => {
      const keys = [
        'payments/orders-db/b-1/base.tar.gz',
        'payments/orders-db/b-1/wal.tar.gz',
        'payments/orders-db/b-2/base.tar.gz',
        'payments/ledger-db/b-1/dump.sql',
        'search/index-db/b-1/dump.sql',
      ];
      for (const key of [...keys].reverse()) {
        await repository.put(key, Readable.from([Buffer.from(key)]));
      }

      expect((await repository.list('')).map(o => o.key)).toEqual(
        [...keys].sort(),
      );
      expect(await repository.list('payments/orders-db/')).toEqual(
        keys.slice(0, 3).map(key => ({
          key,
          size: key.length,
          lastModified: expect.any(Date),
        })),
      );
      expect(
        (await repository.list('payments/orders')).map(o => o.key),
      ).toEqual(keys.slice(0, 3));
      expect(await repository.list('nothing/here/')).toEqual([]);

      await repository.delete(keys[0]);
      await repository.delete(keys[0]);
      await repository.delete('payments/never-existed/b-9/base.tar.gz');
      expect(
        (await repository.list('payments/orders-db/')).map(o => o.key),
      ).toEqual(keys.slice(1, 3));
    });

    it.each(BAD_KEYS)(
      'rejects the key %j with an InputError naming it',
      async key => {
        const expectInputError = async (promise: Promise<unknown>) => {
          const error = await promise.then(
            () => undefined,
            e => e,
          );
          expect(error).toBeInstanceOf(InputError);
          expect(error.message).toContain(`'${key}'`);
        };
        await expectInputError(
          repository.put(key, Readable.from([Buffer.from('x')])),
        );
        await expectInputError(repository.get(key));
        await expectInputError(repository.verify(key, { size: 1, sha256: '' }));
        await expectInputError(repository.delete(key));
        expect(await fixture.rawEntries()).toEqual([]);
      },
    );

    it('rejects a listing prefix that escapes the repository', async () => {
      await expect(repository.list('../')).rejects.toThrow(InputError);
      await expect(repository.list('/abs')).rejects.toThrow(InputError);
      await expect(repository.list('a//')).rejects.toThrow(InputError);
    });

    it('describes itself without secrets', () => {
      const description = repository.describe();
      expect(description).toBeTruthy();
      for (const secret of fixture.secrets) {
        expect(description).not.toContain(secret);
      }
    });
  });
}
