import { promises as fs } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { FilesystemRepository } from './FilesystemRepository';
import { eventually } from '../testUtils/eventually';
import { describeRepositoryContract } from './__testUtils__/describeRepositoryContract';

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await fs
    .readdir(directory, { recursive: true, withFileTypes: true })
    .catch(() => []);
  return entries
    .filter(entry => !entry.isDirectory())
    .map(entry =>
      join(entry.parentPath, entry.name).slice(directory.length + 1),
    )
    .sort();
}

describe('FilesystemRepository', () => {
  const directories: string[] = [];

  async function newRoot() {
    const parent = await fs.mkdtemp(join(tmpdir(), 'basalt-backups-'));
    directories.push(parent);
    return join(parent, 'repository');
  }

  afterAll(async () => {
    await Promise.all(
      directories.map(d => fs.rm(d, { recursive: true, force: true })),
    );
  });

  describeRepositoryContract('FilesystemRepository', async () => {
    const root = await newRoot();
    return {
      repository: FilesystemRepository.create({ path: root }),
      overwriteRaw: (key, bytes) => fs.writeFile(join(root, key), bytes),
      rawEntries: () => filesUnder(root),
      secrets: [],
    };
  });

  it('creates its root with mode 0700 and objects with mode 0600', async () => {
    const root = await newRoot();
    const repository = FilesystemRepository.create({ path: root });
    await repository.put('team/db/b-1/dump.sql', Readable.from(['select 1;']));

    expect((await fs.stat(root)).mode & 0o777).toBe(0o700);
    expect((await fs.stat(join(root, 'team/db/b-1'))).mode & 0o777).toBe(0o700);
    expect(
      (await fs.stat(join(root, 'team/db/b-1/dump.sql'))).mode & 0o777,
    ).toBe(0o600);
  });

  it('describes itself by its absolute path', async () => {
    const root = await newRoot();
    expect(FilesystemRepository.create({ path: root }).describe()).toBe(
      `filesystem ${root}`,
    );
  });

  it('does not list temporary files of uploads in progress', async () => {
    const root = await newRoot();
    const repository = FilesystemRepository.create({ path: root });
    const body = new Readable({ read() {} });
    body.push(Buffer.alloc(1024));
    const stored = repository.put('team/db/b-1/base.tar.gz', body);
    // The upload has begun once its temporary file is there.
    expect(
      await eventually(async () => {
        const files = await filesUnder(root);
        return files.length ? files : undefined;
      }),
    ).toEqual([
      expect.stringMatching(/^team\/db\/b-1\/\.base\.tar\.gz\..+\.partial$/),
    ]);
    expect(await repository.list('')).toEqual([]);

    body.push(null);
    await stored;
    expect((await repository.list('')).map(o => o.key)).toEqual([
      'team/db/b-1/base.tar.gz',
    ]);
  });
});
