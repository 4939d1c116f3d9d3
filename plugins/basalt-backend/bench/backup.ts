/*
 * yarn bench:backup — physical backup and restore throughput of a 1-instance
 * PostgreSQL cluster on the local runtime, Basalt against a baseline by
 * hand with the same tools:
 *
 *   backup   baseline: pg_basebackup (Basalt's flags) streamed into the
 *                      same filesystem repository with FilesystemRepository.put
 *            Basalt:   POST …/backups {method: physical} → backup Completed
 *   restore  baseline: tar -xzf of the baseline object onto a volume like
 *                      the cluster's, then pg_ctl start -w until it accepts
 *                      connections (a restore is done when the database runs)
 *            Basalt:   POST …/restore → new cluster Restored and Ready (this
 *                      also includes a maintenance start to reset the
 *                      credentials and the controller's own probing)
 *
 *   yarn bench:backup [--scale N] [--trials N]
 *
 * --scale is pgbench's scale factor (default 68, about 1 GB).
 */
import { BasaltClient, ClusterResource } from '@basalt/plugin-basalt-common';
import { ChildProcess, execFile, spawn } from 'child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { Readable } from 'stream';
import { promisify } from 'util';
import { POSTGRES_BIN } from '../src/__testUtils__/processes';
import { FilesystemRepository } from '../src/backups/FilesystemRepository';
import { BASEBACKUP_ARGS } from '../src/engines/postgresql/backup/basebackup';
import { volumeCapabilities } from '../src/runtime/local/volumes/capabilities';
import {
  ensureVolume,
  removeVolume,
} from '../src/runtime/local/volumes/LoopVolume';
import { ensureReplicationRole } from '../src/engines/postgresql/accounts';
import { BenchBackend, startBenchBackend } from './lib/backend';
import { DATABASE, NAMESPACE, waitUntilReady } from './lib/cluster';
import { readCredentials } from './lib/credentials';
import { pollUntil } from './lib/time';
import { MB, mb, report, sec, Trial } from './lib/backupReport';
import { count } from './lib/options';

const scale = count('scale', 68);
const trials = count('trials', 3);
const abort = new AbortController();
const SOURCE = 'bench-backup';
const RESTORED = 'bench-restored';
const ref = { namespace: NAMESPACE, name: SOURCE };
const run = promisify(execFile);

/** The engines' unprivileged user, which PostgreSQL must run as. */
async function engineUser(): Promise<{ uid: number; gid: number }> {
  const id = async (flag: string) =>
    Number((await run('id', [flag, 'nobody'])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

// Last resort: no tool started here outlives the bench, however it ends.
const alive = new Set<ChildProcess>();
const scratch: string[] = [];
process.on('exit', () => {
  alive.forEach(child => child.kill('SIGKILL'));
  scratch.forEach(dir => rmSync(dir, { recursive: true, force: true }));
});

function track(child: ChildProcess): ChildProcess {
  alive.add(child);
  child.once('exit', () => alive.delete(child));
  return child;
}

/** Resolves when `child` exits 0; rejects with its stderr otherwise. */
function exited(child: ChildProcess, what: string): Promise<void> {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', chunk => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', code =>
      code === 0
        ? resolve()
        : reject(new Error(`${what} exited ${code}: ${stderr.trim()}`)),
    );
  });
}

interface Address {
  host: string;
  port: number;
}
interface Login {
  username: string;
  password: string;
}
interface Credentials {
  superuser: Login;
  replication: Login;
}

const addressOf = (hostPort: string): Address => {
  const [host, port] = hostPort.split(':');
  return { host, port: Number(port) };
};

async function withSql<T>(
  address: Address,
  login: Login,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({
    ...address,
    user: login.username,
    password: login.password,
    database: DATABASE,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * The volume of the cluster (and of the hand restore): room for the data
 * (about 16 MB per pgbench scale unit), its WAL and a checkpoint's worth
 * more, well below volume protection's high watermark.
 */
function volumeBytes(): number {
  return Math.max(1, Math.ceil((scale * 16 * 4) / 1024)) * 2 ** 30;
}

function manifest() {
  return {
    apiVersion: 'basalt.dev/v1alpha1',
    kind: 'EngineCluster',
    metadata: { name: SOURCE, namespace: NAMESPACE },
    spec: {
      engine: 'postgresql',
      replicas: 1,
      databases: [DATABASE],
      terminationPolicy: 'Delete',
      storage: { size: `${volumeBytes() / 2 ** 30}Gi` },
    },
  };
}

const condition = (cluster: ClusterResource, type: string) =>
  cluster.status?.conditions.some(c => c.type === type && c.status === 'True');

class Bench {
  private readonly client: BasaltClient;
  private readonly repository: FilesystemRepository;

  constructor(
    private readonly backend: BenchBackend,
    repositoryPath: string,
    private readonly instance: Address,
    private readonly credentials: Credentials,
  ) {
    const base = backend.api.replace(/\/clusters$/, '');
    this.client = new BasaltClient({
      discoveryApi: { getBaseUrl: async () => base },
    });
    this.repository = FilesystemRepository.create({ path: repositoryPath });
  }

  /** pg_basebackup with Basalt's flags into the repository; key and size. */
  async baselineBackup(trial: number) {
    const key = `baseline/${trial}/base.tar.gz`;
    const { replication } = this.credentials;
    const started = performance.now();
    const child = track(
      spawn(
        join(POSTGRES_BIN, 'pg_basebackup'),
        [
          `--host=${this.instance.host}`,
          `--port=${this.instance.port}`,
          `--username=${replication.username}`,
          ...BASEBACKUP_ARGS,
        ],
        {
          env: { ...process.env, PGPASSWORD: replication.password },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ),
    );
    const done = exited(child, 'pg_basebackup');
    const [digest] = await Promise.all([
      this.repository.put(key, child.stdout as Readable),
      done,
    ]);
    return { key, ms: performance.now() - started, bytes: digest.size };
  }

  /** POST …/backups, then GET until Completed; time and size. */
  async basaltBackup() {
    const started = performance.now();
    const { id } = await this.client.createBackup(ref, { method: 'physical' });
    const backup = await pollUntil(
      async () => {
        const record = await this.client.getBackup(ref, id);
        return record.phase === 'Running' ? undefined : record;
      },
      { timeoutMs: 60 * 60_000, pollMs: 100, signal: abort.signal },
    );
    const ms = performance.now() - started;
    if (backup?.phase !== 'Completed') {
      throw new Error(
        `Basalt backup ${id}: ${backup?.phase ?? 'still Running'} ${
          backup?.error ?? ''
        }`,
      );
    }
    return { id, ms, bytes: backup.sizeBytes };
  }

  /**
   * A restore by hand onto the same kind of storage Basalt restores onto,
   * until the database answers as Basalt's is timed: a volume like the
   * cluster's (sparse image, xfs, loop mount) where volumes are enforced,
   * repository.get(key) | tar -xzf - into it, then `pg_ctl start -w` as the
   * engines' user (crash recovery from the backup label) until it accepts
   * connections. Stopping and removing it are not timed.
   */
  async baselineRestore(key: string) {
    // Under the system's temporary directory, which the engine user can enter.
    const dir = mkdtempSync(join(tmpdir(), 'basalt-bench-restore-'));
    scratch.push(dir);
    const volume = {
      imagePath: join(dir, 'volume.img'),
      mountPath: join(dir, 'volume'),
    };
    const data = join(volume.mountPath, 'data');
    const user = await engineUser();
    const asEngineUser = { uid: user.uid, gid: user.gid };
    const pgCtl = (args: string[]) =>
      exited(
        track(
          spawn(join(POSTGRES_BIN, 'pg_ctl'), ['-D', data, ...args], {
            ...asEngineUser,
            stdio: ['ignore', 'ignore', 'pipe'],
          }),
        ),
        'pg_ctl',
      );
    try {
      const started = performance.now();
      if ((await volumeCapabilities()).enforced) {
        await ensureVolume({ ...volume, sizeBytes: volumeBytes() });
      }
      mkdirSync(data, { recursive: true, mode: 0o700 });
      chownSync(dir, user.uid, user.gid);
      chownSync(data, user.uid, user.gid);
      const body = await this.repository.get(key);
      const child = track(
        spawn('tar', ['-xzf', '-', '-C', data], {
          ...asEngineUser,
          stdio: ['pipe', 'ignore', 'pipe'],
        }),
      );
      const done = exited(child, 'tar');
      body.pipe(child.stdin!);
      await done;
      // Its own socket, no TCP: the source still runs on the copied port.
      await pgCtl([
        'start',
        '-w',
        '-t',
        '3600',
        '-l',
        join(dir, 'server.log'),
        '-o',
        `-c listen_addresses='' -c unix_socket_directories='${dir}' -c archive_mode=off`,
      ]);
      const ms = performance.now() - started;
      await pgCtl(['stop', '-m', 'immediate', '-w']);
      return ms;
    } finally {
      await removeVolume(volume).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** POST …/restore, then GET until Restored and Ready; deletes it after. */
  async basaltRestore(id: string) {
    const target = `${NAMESPACE}/${RESTORED}`;
    const started = performance.now();
    await this.client.restoreCluster(ref, { name: RESTORED, backup: id });
    const cluster = await pollUntil(
      async () => {
        const c = await this.backend.get(target);
        return condition(c, 'Restored') &&
          condition(c, 'Ready') &&
          c.status?.instances.some(i => i.ready)
          ? c
          : undefined;
      },
      { timeoutMs: 60 * 60_000, pollMs: 100, signal: abort.signal },
    );
    const ms = performance.now() - started;
    if (!cluster) throw new Error(`${target} not Restored and Ready`);
    await this.backend.remove(target, 120_000);
    return ms;
  }

  async trial(n: number): Promise<Trial> {
    const baselineFirst = n % 2 === 1;
    let baselineBackup!: Awaited<ReturnType<Bench['baselineBackup']>>;
    let basaltBackup!: Awaited<ReturnType<Bench['basaltBackup']>>;
    let baselineRestoreMs!: number;
    let basaltRestoreMs!: number;
    const backups = [
      async () => {
        baselineBackup = await this.baselineBackup(n);
      },
      async () => {
        basaltBackup = await this.basaltBackup();
      },
    ];
    const restores = [
      async () => {
        baselineRestoreMs = await this.baselineRestore(baselineBackup.key);
      },
      async () => {
        basaltRestoreMs = await this.basaltRestore(basaltBackup.id);
      },
    ];
    if (!baselineFirst) {
      backups.reverse();
      restores.reverse();
    }
    for (const step of [...backups, ...restores]) await step();
    return {
      order: baselineFirst ? 'baseline first' : 'Basalt first',
      baselineBackupMs: baselineBackup.ms,
      baselineBackupBytes: baselineBackup.bytes,
      basaltBackupMs: basaltBackup.ms,
      basaltBackupBytes: basaltBackup.bytes,
      baselineRestoreMs,
      basaltRestoreMs,
    };
  }
}

async function main(): Promise<void> {
  const repositoryPath = join(
    mkdtempSync(join(tmpdir(), 'basalt-bench-backups-')),
    'repository',
  );
  scratch.push(join(repositoryPath, '..'));
  const backend = await startBenchBackend({
    onInterrupt: () => abort.abort(new Error('Interrupted')),
    basalt: {
      backups: {
        repositories: {
          default: { type: 'filesystem', path: repositoryPath },
        },
      },
    },
  });
  const target = `${NAMESPACE}/${SOURCE}`;
  try {
    console.log(`${target}: 1 instance; repository ${repositoryPath}`);
    await backend.apply(manifest());
    const cluster = await waitUntilReady(backend, target, {
      instances: 1,
      timeoutMs: 120_000,
      signal: abort.signal,
    });
    const location = cluster.status?.credentials?.location;
    const endpoint = cluster.status?.endpoints.readWrite;
    const address = cluster.status?.instances[0].address;
    if (!location || !endpoint || !address) {
      throw new Error(`${target} has no credentials, endpoint or address`);
    }
    const superuser = readCredentials(location);
    const { replication } = (
      JSON.parse(readFileSync(location, 'utf8')) as {
        credentials: Credentials;
      }
    ).credentials;
    const rw = addressOf(endpoint);

    console.log(`pgbench -i -s ${scale} through ${endpoint} as superuser…`);
    const started = performance.now();
    const init = run(
      join(POSTGRES_BIN, 'pgbench'),
      [
        '-i',
        '-s',
        String(scale),
        '-q',
        '-h',
        rw.host,
        '-p',
        String(rw.port),
      ].concat(['-U', superuser.username, DATABASE]),
      {
        env: { ...process.env, PGPASSWORD: superuser.password },
        timeout: 60 * 60_000,
        maxBuffer: 64 * MB,
      },
    );
    track(init.child);
    await init;
    const dbBytes = await withSql(rw, superuser, async client => {
      // pg_basebackup streams as the replication account, as Basalt does
      // (pg_hba admits replication connections for it only).
      await ensureReplicationRole(client, replication);
      await client.query('CHECKPOINT');
      const { rows } = await client.query(
        'select pg_database_size(current_database())::bigint as size',
      );
      return Number(rows[0].size);
    });
    console.log(
      `Loaded in ${sec(performance.now() - started)}; pg_database_size ${mb(
        dbBytes,
      )} (${dbBytes} bytes)`,
    );

    const bench = new Bench(backend, repositoryPath, addressOf(address), {
      superuser,
      replication,
    });
    const results: Trial[] = [];
    for (let n = 1; n <= trials; n++) {
      const t = await bench.trial(n);
      results.push(t);
      console.log(
        `  trial ${n}/${trials} (${t.order}): backup base ${sec(
          t.baselineBackupMs,
        )}, Basalt ${sec(t.basaltBackupMs)}; restore base ${sec(
          t.baselineRestoreMs,
        )}, Basalt ${sec(t.basaltRestoreMs)}`,
      );
    }
    report(dbBytes, results, scale);
  } finally {
    if (!abort.signal.aborted) {
      for (const name of [RESTORED, SOURCE]) {
        await backend
          .remove(`${NAMESPACE}/${name}`, 120_000)
          .catch(error => console.error(`Could not delete ${name}: ${error}`));
      }
    }
    // Also when interrupted: the same stop as the signal handler's.
    await backend.stop();
  }
}

main().then(
  // The backend's pools and timers would keep the process alive.
  () => process.exit(process.exitCode ?? 0),
  error => {
    console.error(
      abort.signal.aborted ? String(error.message ?? error) : error,
    );
    process.exit(abort.signal.aborted ? 130 : 1);
  },
);
