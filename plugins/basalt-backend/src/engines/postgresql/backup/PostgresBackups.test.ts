import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  BackupSink,
  ClusterKey,
  EngineContext,
  InstanceRequest,
} from '@basalt/plugin-basalt-node';
import { BackupDigest } from '../../../backups/BackupCorruptedError';
import { FilesystemRepository } from '../../../backups/FilesystemRepository';
import { RepositorySink } from '../../../backups/repositorySink';
import {
  archivedLogSource,
  RepositorySource,
} from '../../../backups/repositorySource';
import {
  clusterKey,
  eventually,
  postgresSpec,
  processesMentioning,
  query,
  Testbed,
} from '../../../runtime/local/__testUtils__/testbed';
import { LocalRuntime } from '../../../runtime/local/LocalRuntime';
import { PostgresDriver } from '../PostgresDriver';

jest.setTimeout(120_000);

const driver = new PostgresDriver();
const backups = driver.backups;
const spec = postgresSpec({
  databases: ['shop'],
  accounts: [{ name: 'app', databases: ['shop'] }],
});

interface Cluster {
  key: ClusterKey;
  context: EngineContext;
}

interface Running extends Cluster {
  address: { host: string; port: number };
}

describe('PostgresBackups', () => {
  let testbed: Testbed;
  let runtime: LocalRuntime;
  let repositoryDir: string;
  let repository: FilesystemRepository;

  beforeEach(async () => {
    testbed = await Testbed.create({ from: 31100, to: 31199 });
    runtime = await testbed.runtime();
    repositoryDir = await fs.mkdtemp(path.join(os.tmpdir(), 'basalt-repo-'));
    repository = FilesystemRepository.create({
      path: path.join(repositoryDir, 'repository'),
    });
  });

  afterEach(async () => {
    await testbed.cleanup();
    await fs.rm(repositoryDir, { recursive: true, force: true });
  });

  async function newCluster(name: string): Promise<Cluster> {
    const key = clusterKey(name);
    const { credentials } = await runtime.ensureCredentials(key, ['app']);
    return { key, context: { spec, credentials } };
  }

  async function start(
    cluster: Cluster,
    bootstrap: InstanceRequest['bootstrap'] = { from: 'scratch' },
  ): Promise<Running> {
    const instance = await runtime.ensureInstance({
      cluster: cluster.key,
      name: `${cluster.key.name}-0`,
      node: 'node-a',
      bootstrap,
      driver,
      context: cluster.context,
    });
    return { ...cluster, address: instance.address };
  }

  function app(cluster: Cluster) {
    return {
      username: 'app',
      password: cluster.context.credentials.accounts.app,
    };
  }

  function superuser(cluster: Cluster) {
    return cluster.context.credentials.superuser;
  }

  /** A primary with the manifest's accounts and a table of 300 orders. */
  /** `cluster`'s primary as a backup is taken of it. */
  function originOf(cluster: Running) {
    return {
      address: cluster.address,
      host: () =>
        runtime.instanceHost(
          cluster.key,
          `${cluster.key.name}-0`,
          'postgresql',
        ),
    };
  }

  async function seededSource(): Promise<Running> {
    const source = await start(await newCluster('source'));
    await driver.ensureDatabasesAndAccounts(source.address, source.context);
    await query(
      source.address,
      app(source),
      `create table orders (id int primary key, item text, amount numeric);
       insert into orders
         select n, 'item ' || n || repeat('x', n % 50), n * 1.25
           from generate_series(1, 300) n`,
      'shop',
    );
    return source;
  }

  function orders(cluster: Running, login = app(cluster)) {
    return query(
      cluster.address,
      login,
      'select id, item, amount from orders order by id',
      'shop',
    );
  }

  function restoreBootstrap(
    cluster: Cluster,
    source: RepositorySource,
    options: Parameters<typeof backups.restorePhysical>[3] = {},
  ): InstanceRequest['bootstrap'] {
    return {
      from: 'restore',
      restore: host =>
        backups.restorePhysical(host, cluster.context, source, options),
    };
  }

  it('restores a physical backup into a new instance with its own passwords', async () => {
    const source = await seededSource();
    const sink = new RepositorySink(repository, 'default/source/b-1/');
    const info = await backups.backupPhysical(
      originOf(source),
      source.context,
      sink,
    );
    expect(info).toEqual({
      start: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/),
      end: expect.stringMatching(/^[0-9A-F]+\/[0-9A-F]+$/),
      details: { timeline: 1 },
    });
    expect(sink.objects).toEqual([
      {
        key: 'default/source/b-1/base.tar.gz',
        name: 'base.tar.gz',
        size: expect.any(Number),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);

    const copy = await newCluster('copy');
    const restored = await start(
      copy,
      restoreBootstrap(copy, new RepositorySource(repository, sink.objects)),
    );
    await driver.ensureDatabasesAndAccounts(restored.address, copy.context);

    const expected = await orders(source);
    expect(expected).toHaveLength(300);
    const actual = await orders(restored);
    expect(actual).toHaveLength(expected.length);
    actual.forEach((row, index) => expect(row).toEqual(expected[index]));
    // The source's passwords do not open the copy.
    await expect(
      query(restored.address, superuser(source), 'select 1'),
    ).rejects.toThrow(/password authentication failed/);
    await expect(
      driver.probe(restored.address, copy.context),
    ).resolves.toMatchObject({ ready: true, role: 'primary' });
    await expect(
      backups.checkRestored(restored.address, copy.context),
    ).resolves.toBe('1 database, 1 table');
    const dataDir = path.join(
      testbed.rootDir,
      'nodes/node-a/default/copy/copy-0/data',
    );
    expect(
      await fs.readFile(path.join(dataDir, 'postgresql.auto.conf'), 'utf8'),
    ).not.toMatch(/restore_command|recovery_target/);
  });

  it('restores a logical backup into a fresh primary, again when repeated', async () => {
    const source = await seededSource();
    const sink = new RepositorySink(repository, 'default/source/b-2');
    await backups.backupLogical(source.address, source.context, sink);
    expect(sink.objects.map(object => object.key)).toEqual([
      'default/source/b-2/shop.dump',
    ]);

    const fresh = await start(await newCluster('fresh'));
    const backup = new RepositorySource(repository, sink.objects);
    const restore = () =>
      backups.restoreLogical(fresh.address, fresh.context, backup);
    await expect(restore()).resolves.toEqual([
      expect.stringMatching(/^Restored database shop \([\d.]+ KiB\)$/),
    ]);
    await expect(restore()).resolves.toHaveLength(1);
    await driver.ensureDatabasesAndAccounts(fresh.address, fresh.context);

    const expected = await orders(source);
    const actual = await orders(fresh);
    expect(actual).toHaveLength(300);
    actual.forEach((row, index) => expect(row).toEqual(expected[index]));
  });

  it('recovers to a point in time from archived WAL', async () => {
    const source = await seededSource();
    await expect(
      query(source.address, superuser(source), 'show archive_mode'),
    ).resolves.toEqual([{ archive_mode: 'on' }]);
    const sink = new RepositorySink(repository, 'default/source/b-3/');
    await backups.backupPhysical(originOf(source), source.context, sink);

    const write = (id: number, item: string) =>
      query(
        source.address,
        app(source),
        `insert into orders values (${id}, '${item}', 1)`,
        'shop',
      );
    await write(1001, 'A');
    const [{ time }] = await query<{ time: string }>(
      source.address,
      superuser(source),
      `select to_char(clock_timestamp() at time zone 'UTC',
                      'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as time`,
    );
    await new Promise(resolve => setTimeout(resolve, 200));
    await write(1002, 'B');
    const [{ segment }] = await query<{ segment: string }>(
      source.address,
      superuser(source),
      'select pg_walfile_name(pg_current_wal_lsn()) as segment',
    );
    await query(source.address, superuser(source), 'select pg_switch_wal()');

    // What the backend's archiver does: move spooled WAL to the repository.
    const spool = runtime.archive;
    await eventually(
      async () =>
        (await spool.list(source.key)).some(file => file.name === segment) ||
        undefined,
      { what: `WAL segment ${segment} to be spooled` },
    );
    const logPrefix = 'default/source/wal/';
    const digests = new Map<string, BackupDigest>();
    for (const file of await spool.list(source.key)) {
      const stored = await repository.put(
        `${logPrefix}${file.name}`,
        await spool.open(source.key, file),
      );
      digests.set(file.name, stored);
      await spool.remove(source.key, file);
    }
    expect(await spool.list(source.key)).toEqual([]);

    const pitr = await newCluster('pitr');
    const restored = await start(
      pitr,
      restoreBootstrap(pitr, new RepositorySource(repository, sink.objects), {
        archive: archivedLogSource(
          repository,
          logPrefix,
          [...digests.keys()].sort(),
          digests,
        ),
        targetTime: time,
      }),
    );
    await expect(
      query(
        restored.address,
        superuser(pitr),
        'select id, item from orders where id > 1000 order by id',
        'shop',
      ),
    ).resolves.toEqual([{ id: 1001, item: 'A' }]);
    // Promoted, on a new timeline, and taking writes.
    await query(
      restored.address,
      superuser(pitr),
      "insert into orders values (1003, 'C', 1)",
      'shop',
    );
    const [{ timeline }] = await query<{ timeline: number }>(
      restored.address,
      superuser(pitr),
      'select timeline_id as timeline from pg_control_checkpoint()',
    );
    expect(timeline).toBe(2);
  });

  it('refuses a backup that fails its check and leaves no instance', async () => {
    const source = await seededSource();
    const sink = new RepositorySink(repository, 'default/source/b-4/');
    await backups.backupPhysical(originOf(source), source.context, sink);
    const tampered = sink.objects.map(object => ({
      ...object,
      sha256: '0'.repeat(64),
    }));

    const broken = await newCluster('broken');
    await expect(
      start(
        broken,
        restoreBootstrap(broken, new RepositorySource(repository, tampered)),
      ),
    ).rejects.toThrow(
      /Backup object default\/source\/b-4\/base.tar.gz is corrupted/,
    );
    await expect(runtime.listInstances(broken.key)).resolves.toEqual([]);
    const instanceDir = path.join(
      testbed.rootDir,
      'nodes/node-a/default/broken',
    );
    await expect(fs.stat(instanceDir)).rejects.toThrow(/ENOENT/);
    expect(await processesMentioning(instanceDir)).toEqual([]);
  });

  it('refuses a restore to a time the archive does not reach, with the server log', async () => {
    const source = await seededSource();
    const sink = new RepositorySink(repository, 'default/source/b-5/');
    await backups.backupPhysical(originOf(source), source.context, sink);

    const late = await newCluster('late');
    const error = await start(
      late,
      restoreBootstrap(late, new RepositorySource(repository, sink.objects), {
        archive: archivedLogSource(repository, 'default/source/wal/', []),
        targetTime: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    ).catch(e => e);
    expect(error.message).toMatch(/did not complete recovery/);
    expect(error.message).toMatch(/recovery target/);
    await expect(runtime.listInstances(late.key)).resolves.toEqual([]);
    expect(
      await processesMentioning(
        path.join(testbed.rootDir, 'nodes/node-a/default/late'),
      ),
    ).toEqual([]);
  });

  it('locks and unlocks writes, ending sessions that could write', async () => {
    const source = await seededSource();
    const session = new Client({
      ...source.address,
      user: 'app',
      password: app(source).password,
      database: 'shop',
    });
    session.on('error', () => {});
    await session.connect();
    try {
      await driver.setWritesLocked(source.address, source.context, true);
      await driver.setWritesLocked(source.address, source.context, true);
      await expect(session.query('select 1')).rejects.toThrow();

      const insert = () =>
        query(
          source.address,
          app(source),
          "insert into orders values (2001, 'locked', 1)",
          'shop',
        );
      await expect(insert()).rejects.toThrow(/read-only transaction/);
      await driver.setWritesLocked(source.address, source.context, false);
      await driver.setWritesLocked(source.address, source.context, false);
      await expect(insert()).resolves.toEqual([]);
    } finally {
      await session.end().catch(() => {});
    }
  });

  it.each([
    ['the sink fails', 'sink'],
    ['the backup is aborted', 'abort'],
  ])('stops pg_basebackup when %s midway', async (_what, how) => {
    const source = await seededSource();
    const abort = new AbortController();
    const failure = new Error('the repository is full');
    const sink: BackupSink = {
      async write(_name, body) {
        let bytes = 0;
        for await (const chunk of body) {
          bytes += (chunk as Buffer).length;
          if (bytes < 64 * 1024) continue;
          if (how === 'sink') throw failure;
          abort.abort(failure);
        }
      },
    };
    await expect(
      backups.backupPhysical(
        originOf(source),
        source.context,
        sink,
        abort.signal,
      ),
    ).rejects.toBe(failure);
    expect(await processesMentioning(`--port=${source.address.port}`)).toEqual(
      [],
    );
  });

  it('checks that a restored instance has the manifest databases', async () => {
    const source = await start(await newCluster('empty'));
    await expect(
      backups.checkRestored(source.address, source.context),
    ).rejects.toThrow(/lacks 1 database of the manifest: shop/);
  });
});
