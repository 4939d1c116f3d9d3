// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { eventually } from '@basalt/plugin-basalt-backend/testUtils';
import { ClusterResource } from '@basalt/plugin-basalt-common';
import { ChildProcess } from 'child_process';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import {
  actionContext as context,
  task,
  useBasaltBackend,
} from '../__testUtils__/basaltBackend';
import { psql, psqlInBackground } from '../__testUtils__/psql';
import { createBackupCreateAction } from './backupCreate';
import { createBackupRestoreAction } from './backupRestore';
import { createClusterDestroyAction } from './clusterDestroy';

jest.setTimeout(180_000);

type Ref = { namespace: string; name: string };

const manifest = (name: string, spec: object = {}) => ({
  apiVersion: 'basalt.dev/v1alpha1' as const,
  kind: 'EngineCluster' as const,
  metadata: { name, namespace: 'ci' },
  spec: {
    engine: 'postgresql' as const,
    replicas: 1,
    terminationPolicy: 'Delete' as const,
    ...spec,
  },
});

const SOURCE = { namespace: 'ci', name: 'orders-db' };
const SHA256 = /^[0-9a-f]{64}$/;

/** The value an action output under `name`, from its mocked `ctx.output`. */
const outputOf = (ctx: { output: unknown }, name: string) =>
  (ctx.output as jest.Mock).mock.calls.find(([key]) => key === name)?.[1];

const HOLDER = 'basalt-test-wal-sender-holder';
const HOLDERS_SQL = `select count(*) from pg_stat_activity where backend_type = 'walsender' and application_name = '${HOLDER}'`;

/**
 * Opens replication connections to a cluster's primary until every WAL
 * sender it allows is taken, each held by a psql process sleeping a minute.
 */
async function holdWalSenders(cluster: ClusterResource) {
  const maxWalSenders = Number(await psql(cluster, 'show max_wal_senders'));
  const holders = Array.from({ length: maxWalSenders }, () =>
    psqlInBackground(
      cluster,
      'select pg_sleep(60)',
      `dbname=postgres replication=database application_name=${HOLDER}`,
    ),
  );
  try {
    await eventually(
      async () =>
        Number(await psql(cluster, HOLDERS_SQL)) >= maxWalSenders || undefined,
      { what: 'every WAL sender to be taken', timeoutMs: 20_000 },
    );
  } catch (error) {
    await releaseWalSenders(cluster, holders);
    throw error;
  }
  return { maxWalSenders, holders };
}

/** Ends what {@link holdWalSenders} started, and waits until it is gone. */
async function releaseWalSenders(
  cluster: ClusterResource,
  holders: ChildProcess[],
) {
  for (const holder of holders) holder.kill('SIGKILL');
  // A server process asleep does not notice its client went away.
  await psql(
    cluster,
    `select pg_terminate_backend(pid) from pg_stat_activity where application_name = '${HOLDER}'`,
  );
  await eventually(
    async () => (await psql(cluster, HOLDERS_SQL)) === '0' || undefined,
    { what: 'the WAL senders to be free again', timeoutMs: 20_000 },
  );
}

describe('basalt:backup:create and basalt:backup:restore (real PostgreSQL)', () => {
  const backend = useBasaltBackend({ ports: { from: 16100, to: 16199 } });
  const createAction = () =>
    createBackupCreateAction({ basalt: backend.basalt });
  const restoreAction = () =>
    createBackupRestoreAction({ basalt: backend.basalt });
  const api = () => backend.basalt.api;

  /** The cluster once it is Ready with its instance ready. */
  const ready = async (ref: Ref) => {
    const request = await backend.asUser();
    return eventually(
      async () => {
        const cluster = await api().getCluster(ref, request);
        const condition = cluster.status?.conditions.find(
          c => c.type === 'Ready',
        );
        return condition?.status === 'True' &&
          cluster.status!.instances.every(i => i.ready)
          ? cluster
          : undefined;
      },
      { what: `${ref.namespace}/${ref.name} to be ready`, timeoutMs: 90_000 },
    );
  };
  const gone = async (ref: Ref) =>
    api()
      .getCluster(ref, await backend.asUser())
      .then(
        () => false,
        error => error?.statusCode === 404,
      );
  /** Deletes what a test created, whether it passed or not. */
  const remove = async (...refs: Ref[]) => {
    for (const ref of refs) {
      if (await gone(ref)) continue;
      await createClusterDestroyAction({ basalt: backend.basalt })
        .handler(context({ ...ref, timeoutSeconds: 60 }))
        .catch(() => {}); // the backend's teardown kills what is left
    }
  };

  let source: ClusterResource;
  let backupId: string;

  beforeAll(async () => {
    await api().applyCluster(manifest(SOURCE.name), await backend.asUser());
    source = await ready(SOURCE);
    await psql(
      source,
      "create table orders (id int primary key, item text); insert into orders values (1, 'first order')",
    );
  });

  it('dry-run checks the cluster, says what it would do and starts no backup', async () => {
    const ctx = context(SOURCE, { isDryRun: true });
    await createAction().handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith('clusterRef', 'ci/orders-db');
    expect(ctx.output).toHaveBeenCalledWith('method', 'physical');
    expect(ctx.output).toHaveBeenCalledWith('repository', 'default');
    expect(await api().listBackups(SOURCE, await backend.asUser())).toEqual([]);
    await expect(
      createAction().handler(
        context({ namespace: 'ci', name: 'no-such-db' }, { isDryRun: true }),
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('takes a physical backup, waits until it is Completed with checksums, and a retried task starts no second one', async () => {
    const checkpoint = task();
    const ctx = context({ ...SOURCE, timeoutSeconds: 120 }, { checkpoint });
    await createAction().handler(ctx);

    backupId = outputOf(ctx, 'backupId');
    expect(backupId).toEqual(expect.any(String));
    expect(ctx.output).toHaveBeenCalledWith('phase', 'Completed');
    expect(ctx.output).toHaveBeenCalledWith('method', 'physical');
    expect(outputOf(ctx, 'sizeBytes')).toBeGreaterThan(0);
    const sha256 = outputOf(ctx, 'sha256') as Record<string, string>;
    expect(Object.keys(sha256).length).toBeGreaterThan(0);
    for (const digest of Object.values(sha256)) {
      expect(digest).toMatch(SHA256);
    }
    expect(outputOf(ctx, 'objects')).toEqual(
      Object.entries(sha256).map(([name, digest]) =>
        expect.objectContaining({ name, sha256: digest }),
      ),
    );
    expect(outputOf(ctx, 'log')).toMatchObject({
      start: expect.any(String),
      end: expect.any(String),
      details: { timeline: expect.any(Number) },
    });
    // Kept one release for pipelines that read it.
    expect(outputOf(ctx, 'wal')).toEqual({
      ...outputOf(ctx, 'log'),
      details: undefined,
      timeline: outputOf(ctx, 'log').details.timeline,
    });
    expect(Date.parse(outputOf(ctx, 'completedAt'))).toBeGreaterThanOrEqual(
      Date.parse(outputOf(ctx, 'startedAt')),
    );
    const request = await backend.asUser();
    expect(await api().getBackup(SOURCE, backupId, request)).toMatchObject({
      phase: 'Completed',
      requestedBy: expect.stringMatching(/^user:/),
    });

    // The same task retried: the checkpoint stands, so no second backup,
    // and the step still reports the one it took.
    const retried = context(SOURCE, { checkpoint });
    await createAction().handler(retried);
    expect(retried.output).toHaveBeenCalledWith('backupId', backupId);
    expect(retried.output).toHaveBeenCalledWith('phase', 'Completed');
    expect((await api().listBackups(SOURCE, request)).map(b => b.id)).toEqual([
      backupId,
    ]);
  });

  it('restores the backup into a new cluster that is Ready with the rows of the backup', async () => {
    const target = { namespace: 'ci', name: 'orders-copy' };
    try {
      // Written after the backup: the copy must not have it.
      await psql(source, "insert into orders values (2, 'after the backup')");

      const dry = context(
        { ...SOURCE, targetName: target.name, backup: backupId },
        { isDryRun: true },
      );
      await restoreAction().handler(dry);
      expect(dry.output).toHaveBeenCalledWith(
        'restoredFrom',
        `backup ${backupId} of ci/orders-db`,
      );
      expect(await gone(target)).toBe(true);

      const ctx = context(
        {
          ...SOURCE,
          targetName: target.name,
          backup: backupId,
          timeoutSeconds: 120,
        },
        { checkpoint: task() },
      );
      await restoreAction().handler(ctx);

      expect(ctx.output).toHaveBeenCalledWith('clusterRef', 'ci/orders-copy');
      expect(ctx.output).toHaveBeenCalledWith('namespace', 'ci');
      expect(ctx.output).toHaveBeenCalledWith('name', 'orders-copy');
      expect(ctx.output).toHaveBeenCalledWith(
        'entityRef',
        'resource:ci/orders-copy',
      );
      expect(ctx.output).toHaveBeenCalledWith('backupId', backupId);
      expect(ctx.output).toHaveBeenCalledWith(
        'restoredFrom',
        `backup ${backupId} of ci/orders-db`,
      );
      expect(ctx.output).toHaveBeenCalledWith(
        'readWriteEndpoint',
        expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      );
      expect(ctx.output).toHaveBeenCalledWith(
        'credentials',
        expect.stringContaining(backend.rootDir),
      );

      const copy = await api().getCluster(target, await backend.asUser());
      expect(copy.spec.restore).toEqual({ backup: backupId });
      expect(copy.status!.conditions).toContainEqual(
        expect.objectContaining({ type: 'Restored', status: 'True' }),
      );
      expect(await psql(copy, 'select id, item from orders order by id')).toBe(
        '1|first order',
      );
      expect(
        await psql(source, 'select id, item from orders order by id'),
      ).toBe('1|first order\n2|after the backup');
    } finally {
      await remove(target);
    }
  });

  it('refuses bad requests with the API reason before anything is created', async () => {
    await expect(
      createAction().handler(context({ namespace: 'ci', name: 'no-such-db' })),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining('ci/no-such-db'),
    });
    await expect(
      restoreAction().handler(context({ ...SOURCE, targetName: 'orders-db' })),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        'targetName: must name a new cluster, not the source ci/orders-db',
    });

    await expect(
      restoreAction().handler(
        context({
          ...SOURCE,
          targetName: 'orders-ghost',
          backup: '20200101T000000Z-0000',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('20200101T000000Z-0000'),
    });
    expect(await gone({ namespace: 'ci', name: 'orders-ghost' })).toBe(true);

    // A cluster of that name exists: the API refuses, and so does a dry run.
    const other = { namespace: 'ci', name: 'orders-taken' };
    try {
      await api().applyCluster(
        manifest(other.name, { replicas: 1 }),
        await backend.asUser(),
      );
      for (const isDryRun of [true, false]) {
        await expect(
          restoreAction().handler(
            context({ ...SOURCE, targetName: other.name }, { isDryRun }),
          ),
        ).rejects.toMatchObject({
          name: 'ConflictError',
          message: expect.stringContaining('ci/orders-taken already exists'),
        });
      }
    } finally {
      await remove(other);
    }
  });

  it("fails the step with the backup's error when the backup fails", async () => {
    // pg_basebackup needs a WAL sender; with every one of them taken by
    // other replication connections, the server refuses it and the backup
    // fails.
    const { maxWalSenders, holders } = await holdWalSenders(source);
    try {
      const ctx = context({ ...SOURCE, timeoutSeconds: 60 });
      const failure = await createAction()
        .handler(ctx)
        .then(
          () => undefined,
          error => error as Error,
        );
      const id = outputOf(ctx, 'backupId');
      expect(id).toEqual(expect.any(String));
      expect(failure?.message).toMatch(
        new RegExp(
          `^The backup ${id} of EngineCluster ci/orders-db failed: .*max_wal_senders \\(currently ${maxWalSenders}\\)`,
          's',
        ),
      );
      expect(
        await api().getBackup(SOURCE, id, await backend.asUser()),
      ).toMatchObject({ phase: 'Failed', error: expect.any(String) });
    } finally {
      await releaseWalSenders(source, holders);
    }
  });

  it("fails the step with the Restored condition's message when the restore fails", async () => {
    const target = { namespace: 'ci', name: 'orders-corrupt' };
    try {
      // A backup of its own, as it is spoilt here: one byte of each object
      // changed, so that the restore finds the SHA-256 does not match.
      const backup = context({ ...SOURCE, timeoutSeconds: 120 });
      await createAction().handler(backup);
      for (const object of outputOf(backup, 'objects') as { key: string }[]) {
        const path = join(backend.rootDir, 'backups', object.key);
        const bytes = readFileSync(path);
        bytes[bytes.length >> 1] ^= 0xff;
        writeFileSync(path, bytes);
      }

      const ctx = context({
        ...SOURCE,
        targetName: target.name,
        backup: outputOf(backup, 'backupId'),
        timeoutSeconds: 120,
      });
      await expect(restoreAction().handler(ctx)).rejects.toThrow(
        /^EngineCluster ci\/orders-corrupt could not be restored: .+/,
      );
      const cluster = await api().getCluster(target, await backend.asUser());
      expect(cluster.status!.conditions).toContainEqual(
        expect.objectContaining({
          type: 'Restored',
          status: 'False',
          reason: 'RestoreFailed',
        }),
      );
    } finally {
      await remove(target);
    }
  });

  it('deletes a BackupThenDelete cluster after its verified final backup, which restores after the cluster is gone', async () => {
    const ref = { namespace: 'ci', name: 'ephemeral-db' };
    const target = { namespace: 'ci', name: 'ephemeral-copy' };
    try {
      await api().applyCluster(
        manifest(ref.name, { terminationPolicy: 'BackupThenDelete' }),
        await backend.asUser(),
      );
      await psql(
        await ready(ref),
        "create table results (run text); insert into results values ('pr-1234')",
      );

      const destroy = context({ ...ref, timeoutSeconds: 150 });
      await createClusterDestroyAction({ basalt: backend.basalt }).handler(
        destroy,
      );
      expect(destroy.output).toHaveBeenCalledWith('result', 'deleted');
      const [final] = await api().listBackups(ref, await backend.asUser());
      expect(final).toMatchObject({
        trigger: 'final',
        phase: 'Completed',
        verification: { checksum: 'passed', restoreTest: 'passed' },
      });

      const input = {
        ...ref,
        targetName: target.name,
        backup: final.id,
        timeoutSeconds: 120,
      };
      await restoreAction().handler(context(input, { isDryRun: true }));
      await restoreAction().handler(context(input));
      const copy = await api().getCluster(target, await backend.asUser());
      expect(await psql(copy, 'select run from results')).toBe('pr-1234');
    } finally {
      await remove(ref, target);
    }
  });
});
