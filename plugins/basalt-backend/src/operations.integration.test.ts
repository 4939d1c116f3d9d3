import { startTestBackend } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { readFile } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { basaltPlugin } from './plugin';
import { basaltModuleEnginePostgresql } from './engines/postgresql';
import {
  BackendProcess,
  startBackendProcess,
} from './__testUtils__/backendProcess';
import { connect } from './__testUtils__/clusterApi';
import {
  clientOf,
  postgresManifest,
  untilBackupFinished,
  untilReady,
  untilRestored,
  useTestBackend,
} from './__testUtils__/testBackend';
import { processesMentioning } from './runtime/local/__testUtils__/testbed';
import { eventually } from './testUtils/eventually';
import { killProcessesUnder } from './testUtils/killProcessesUnder';

jest.setTimeout(300_000);

const REF = { namespace: 'payments', name: 'clone-db' };
const STOPPED = { namespace: 'payments', name: 'stopped-db' };
// Throttled volumes: the replica's clone takes long enough to be cut.
const spec = (replicas: number) => ({
  replicas,
  storage: { size: '300Mi', throughput: '1Mi' },
});

/**
 * A backend in a child process that a test kills with SIGKILL, and the
 * backend that succeeds it: the same SQLite store and root directory, a
 * 5 s lease. Registers the hooks that remove everything afterwards.
 */
function useCrashAndRestart(options: {
  ports: { from: number; to: number };
  backups?: (rootDir: string) => JsonObject;
}) {
  let rootDir = '';
  let crashed: BackendProcess | undefined;
  let successor: Awaited<ReturnType<typeof startTestBackend>> | undefined;

  const config = (): JsonObject => ({
    backend: {
      database: {
        client: 'better-sqlite3',
        connection: { directory: join(rootDir, 'sqlite') },
      },
    },
    basalt: {
      controller: { resyncInterval: '1s', leaseDuration: '5s' },
      ...(options.backups && { backups: options.backups(rootDir) }),
      runtimes: {
        local: { rootDir, nodes: ['node-a', 'node-b'], ports: options.ports },
      },
    },
  });

  beforeAll(() => {
    rootDir = mkdtempSync(join(tmpdir(), 'basalt-crash-'));
    chmodSync(rootDir, 0o755); // the engine user must be able to reach it
  });

  afterAll(async () => {
    await successor?.stop();
    await crashed?.kill();
    await killProcessesUnder(rootDir);
    rmSync(rootDir, { recursive: true, force: true });
  });

  return {
    get rootDir() {
      return rootDir;
    },
    /** Starts the backend to be killed; kill it with `kill()`. */
    async startFirst(): Promise<BackendProcess> {
      crashed = await startBackendProcess(config());
      return crashed;
    },
    /** Starts the backend that takes over, in this process. */
    async startSuccessor() {
      successor = await startTestBackend({
        features: [
          basaltPlugin,
          basaltModuleEnginePostgresql,
          schedulerServiceFactory,
          mockServices.rootLogger.factory({ level: 'warn' }),
          mockServices.rootConfig.factory({ data: config() }),
        ],
      });
      return clientOf(successor.server);
    },
  };
}

describe('a backend killed with SIGKILL in the middle of a clone', () => {
  const bed = useCrashAndRestart({ ports: { from: 32000, to: 32049 } });

  it('lets the next backend undo the half-made replica and clone it again, nothing twice, nothing left behind', async () => {
    const crashed = await bed.startFirst();
    const first = crashed.client();
    await first.applyCluster(postgresManifest(REF.name, spec(1)));
    const single = await untilReady(first, REF, 1, undefined, 120_000);
    const writer = await connect(single, 'readWrite');
    await writer.query('create table ledger (note text)');
    await writer.query("insert into ledger values ('before the crash')");
    await writer.end();

    await first.applyCluster(postgresManifest(REF.name, spec(2)));
    // Cut while the replica's data is being copied.
    await eventually(
      async () => {
        const cluster = await first.getCluster(REF);
        const cloning = cluster.status?.operations?.some(
          o => o.kind === 'create-instance' && o.phase === 'Running',
        );
        return cloning && (await cloneTools(bed.rootDir)).length > 0
          ? true
          : undefined;
      },
      { what: 'the replica being cloned', timeoutMs: 60_000 },
    );
    await crashed.kill();

    const client = await bed.startSuccessor();
    const after = await untilReady(
      client,
      REF,
      2,
      cluster => !cluster.status?.operations?.length,
      240_000,
    );

    const events = await client.listClusterEvents(REF, { limit: 100 });
    expect(events.map(e => e.reason)).toContain('CreationInterrupted');
    // Nothing twice: two instances, two servers, one clone at a time.
    expect(after.status!.instances.map(i => i.name).sort()).toEqual([
      'clone-db-0',
      'clone-db-1',
    ]);
    expect(await processesMentioning(join(bed.rootDir, 'nodes'))).toHaveLength(
      2,
    );
    expect(await cloneTools(bed.rootDir)).toEqual([]);
    // Nothing left behind: no instance directory but the two.
    expect(instanceDirs(bed.rootDir).sort()).toEqual([
      'clone-db-0',
      'clone-db-1',
    ]);
    // Nothing lost: the replica has what the primary had.
    const reader = await eventually(() => connect(after, 'readOnly'), {
      what: 'the read-only endpoint',
    });
    const { rows } = await reader.query('select note from ledger');
    await reader.end();
    expect(rows).toEqual([{ note: 'before the crash' }]);
  });
});

describe('a clone that a newer spec no longer needs', () => {
  const backend = useTestBackend({
    ports: { from: 32050, to: 32099 },
    resync: true,
  });

  it('is stopped at once: its program killed, what it made removed', async () => {
    const client = backend.client();
    await client.applyCluster(postgresManifest(STOPPED.name, spec(1)));
    await untilReady(client, STOPPED, 1, undefined, 120_000);
    await client.applyCluster(postgresManifest(STOPPED.name, spec(2)));
    await eventually(
      async () =>
        (await cloneTools(backend.rootDir)).length > 0 ? true : undefined,
      { what: 'the replica being cloned', timeoutMs: 60_000 },
    );

    await client.applyCluster(postgresManifest(STOPPED.name, spec(1)));
    const after = await untilReady(
      client,
      STOPPED,
      1,
      cluster => !cluster.status?.operations?.length,
    );

    // Ended by the cancellation, not by finishing: the clone program was
    // killed and its instance never created.
    const reasons = (
      await client.listClusterEvents(STOPPED, { limit: 100 })
    ).map(e => e.reason);
    expect(reasons).toContain('CreationCancelled');
    expect(reasons.filter(r => r === 'InstanceCreated')).toHaveLength(1);
    expect(await cloneTools(backend.rootDir)).toEqual([]);
    expect(after.status!.instances.map(i => i.name)).toEqual(['stopped-db-0']);
    expect(instanceDirs(backend.rootDir, STOPPED)).toEqual(['stopped-db-0']);
  });
});

describe('a backend killed with SIGKILL in the middle of a final backup', () => {
  const FINAL = { namespace: 'payments', name: 'final-db' };
  const bed = useCrashAndRestart({
    ports: { from: 32100, to: 32149 },
    backups: rootDir => ({
      repositories: {
        default: { type: 'filesystem', path: join(rootDir, 'backups') },
      },
      housekeepingInterval: '1s',
      logArchiveInterval: '1s',
    }),
  });

  it('lets the next backend take it again and delete the cluster, leaving nothing running', async () => {
    const crashed = await bed.startFirst();
    const first = crashed.client();
    await first.applyCluster(
      postgresManifest(FINAL.name, { terminationPolicy: 'BackupThenDelete' }),
    );
    const cluster = await untilReady(first, FINAL, 1, undefined, 120_000);
    const writer = await connect(cluster, 'readWrite');
    await writer.query("create table ledger as select 'kept' as note");
    await writer.end();

    await first.deleteCluster(FINAL);
    // Cut while the restore test's temporary instance runs.
    await eventually(
      async () =>
        (await processesMentioning(join(bed.rootDir, 'nodes'))).length > 0 &&
        (await processesMentioning('final-db-verify')).length > 0
          ? true
          : undefined,
      { what: "the restore test's temporary instance", timeoutMs: 120_000 },
    ).catch(error => {
      // What the backend did meanwhile says why it never got there.
      throw new Error(
        `${error.message}\nThe first backend's last output:\n${crashed
          .output()
          .slice(-8_000)}`,
      );
    });
    await crashed.kill();

    const client = await bed.startSuccessor();
    await eventually(
      async () =>
        client.getCluster(FINAL).then(
          () => undefined,
          error => (error.response?.status === 404 ? true : undefined),
        ),
      { what: 'final-db to be deleted', timeoutMs: 180_000 },
    );

    // Deleted only after a final backup that passed its restore test (the
    // interrupted attempt's backup, taken but never verified, is not it).
    const backups = await client.listBackups(FINAL);
    expect(
      backups.filter(b => b.verification?.restoreTest === 'passed'),
    ).toMatchObject([{ trigger: 'final', phase: 'Completed' }]);
    // Nothing left running: neither the cluster nor a temporary instance.
    expect(await processesMentioning(bed.rootDir)).toEqual([]);
  });
});

describe('a backend killed with SIGKILL in the middle of a logical restore', () => {
  const SOURCE = { namespace: 'payments', name: 'dump-src' };
  const TARGET = { namespace: 'payments', name: 'dump-dst' };
  const ROWS = 500_000;
  const PORTS = { from: 32150, to: 32199 };
  const bed = useCrashAndRestart({
    ports: PORTS,
    backups: rootDir => ({
      repositories: {
        default: { type: 'filesystem', path: join(rootDir, 'backups') },
      },
    }),
  });

  it('lets the next backend load it again: every row once, nothing left running', async () => {
    const crashed = await bed.startFirst();
    const first = crashed.client();
    await first.applyCluster(
      postgresManifest(SOURCE.name, { databases: ['orders'] }),
    );
    const source = await untilReady(first, SOURCE, 1, undefined, 120_000);
    const writer = await connect(source, 'readWrite', 'orders');
    await writer.query(
      `create table ledger as select g as id, md5(g::text) || md5((-g)::text) as note from generate_series(1, ${ROWS}) g`,
    );
    await writer.end();
    const { id } = await first.createBackup(SOURCE, { method: 'logical' });
    const backup = await untilBackupFinished(first, SOURCE, id);
    expect(backup.phase).toBe('Completed');

    await first.applyCluster(
      postgresManifest(TARGET.name, {
        databases: ['orders'],
        restore: { backup: id },
      }),
    );
    // Held still the moment it is seen, so that the cut comes mid-load.
    const held = await eventually(
      async () => {
        const tools = await restoreTools(PORTS);
        tools.forEach(pid => process.kill(pid, 'SIGSTOP'));
        return tools.length > 0 ? tools : undefined;
      },
      { what: 'the backup being loaded', timeoutMs: 120_000 },
    );
    const loading = await eventually(
      async () =>
        (
          await first.getCluster(TARGET)
        ).status?.operations?.find(o => o.kind === 'restore'),
      { what: 'the load on the status' },
    );
    expect(loading).toMatchObject({ phase: 'Running', target: 'dump-dst-0' });
    await crashed.kill();
    // Left to go on alone, as a killed backend leaves it.
    held.forEach(pid => process.kill(pid, 'SIGCONT'));

    const client = await bed.startSuccessor();
    const target = await untilRestored(client, TARGET, 1, 240_000);

    const reasons = (
      await client.listClusterEvents(TARGET, { limit: 100 })
    ).map(e => e.reason);
    expect(reasons).toContain('RestoreInterrupted');
    expect(reasons.filter(r => r === 'RestoreComplete')).toHaveLength(1);
    // Every row once: the cut load's half-filled database was dropped.
    const reader = await connect(target, 'readWrite', 'orders');
    const { rows } = await reader.query(
      'select count(*)::int as total, count(distinct id)::int as distinct from ledger',
    );
    await reader.end();
    expect(rows).toEqual([{ total: ROWS, distinct: ROWS }]);
    // Nothing left running but the two clusters' servers.
    expect(await restoreTools(PORTS)).toEqual([]);
    expect(await processesMentioning(join(bed.rootDir, 'nodes'))).toHaveLength(
      2,
    );
  });
});

/** The programs loading a logical backup into a server on `ports`. */
async function restoreTools(ports: {
  from: number;
  to: number;
}): Promise<number[]> {
  const ours: number[] = [];
  for (const pid of await processesMentioning('pg_restore')) {
    const args = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const port = Number(
      args
        .split('\0')
        .find(arg => arg.startsWith('--port='))
        ?.slice('--port='.length),
    );
    if (port >= ports.from && port <= ports.to) ours.push(pid);
  }
  return ours;
}

/** The clone programs running for instances under `rootDir`. */
async function cloneTools(rootDir: string): Promise<number[]> {
  const running = await processesMentioning('pg_basebackup');
  const ours = await processesMentioning(rootDir);
  return running.filter(pid => ours.includes(pid));
}

/** The cluster's instance directories on every node. */
function instanceDirs(
  rootDir: string,
  ref: { namespace: string; name: string } = REF,
): string[] {
  return ['node-a', 'node-b', 'node-c'].flatMap(node => {
    const dir = join(rootDir, 'nodes', node, ref.namespace, ref.name);
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  });
}
