import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  ClusterKey,
  EngineContext,
  InstanceRequest,
  VolumeRequest,
} from '@basalt/plugin-basalt-node';
import { PostgresDriver } from '../../engines/postgresql';
import { releaseVolumesUnder } from '../../testUtils/releaseVolumesUnder';
import {
  clusterKey,
  eventually,
  killServersUnder,
  postgresSpec,
  query,
  Testbed,
} from './__testUtils__/testbed';
import { LocalRuntime } from './LocalRuntime';
import { readMounts } from './volumes/mounts';
import { requireRootOnLinux } from './volumes/__testUtils__/requireRoot';

// Real PostgreSQL (as `nobody`) on real loop-mounted volumes: these tests
// need Linux and root, like the volume tests they build on.

const execFileAsync = promisify(execFile);
const MiB = 1024 * 1024;
const driver = new PostgresDriver();
// High enough that the server's shutdown checkpoint (which may pre-allocate
// a 16 MiB WAL file) does not slow the test down.
const LIMIT = 32 * MiB;

/** The mount the kernel reports for the directory holding `file`. */
async function mountOf(file: string) {
  const real = await fs.realpath(file);
  const candidates = (await readMounts()).filter(
    m =>
      m.mountPoint === '/' ||
      real === m.mountPoint ||
      real.startsWith(`${m.mountPoint}/`),
  );
  return candidates.sort(
    (a, b) => b.mountPoint.length - a.mountPoint.length,
  )[0];
}

async function loopDevicesOf(image: string): Promise<string> {
  const { stdout } = await execFileAsync('losetup', ['-j', image]);
  return stdout.trim();
}

describe('LocalRuntime volumes', () => {
  requireRootOnLinux();
  jest.setTimeout(120_000);
  let testbed: Testbed;
  let runtime: LocalRuntime;

  beforeEach(async () => {
    testbed = await Testbed.create({ from: 31800, to: 31899 });
    runtime = await testbed.runtime(['node-a']);
  });

  // Kills the servers, then unmounts and detaches every volume (and a
  // test's pool) under the root and removes the throttle groups, whatever
  // state a failed test left them in.
  afterEach(() => testbed.cleanup());

  async function request(
    name: string,
    cluster: ClusterKey,
    volume: VolumeRequest,
  ): Promise<InstanceRequest> {
    const spec = postgresSpec();
    const accounts = spec.accounts.map(account => account.name);
    const { credentials } = await runtime.ensureCredentials(cluster, accounts);
    const context: EngineContext = { spec, credentials };
    return {
      cluster,
      name,
      node: 'node-a',
      bootstrap: { from: 'scratch' },
      driver,
      context,
      volume,
    };
  }

  function poolVolume(poolPath: string, sizeBytes: number, throughput = 0) {
    return {
      pool: 'default',
      poolPath,
      sizeBytes,
      throughputBytesPerSec: throughput,
    };
  }

  function instanceDir(cluster: ClusterKey, name: string): string {
    return path.join(
      testbed.rootDir,
      'nodes/node-a',
      cluster.namespace,
      cluster.name,
      name,
    );
  }

  async function serverPid(cluster: ClusterKey, name: string) {
    const file = path.join(instanceDir(cluster, name), 'server.pid');
    return Number((await fs.readFile(file, 'utf8')).trim());
  }

  /** Inserts rows of ~1 KiB (too small to be compressed) until an error. */
  async function fill(req: InstanceRequest, address: { port: number }) {
    const login = req.context.credentials.superuser;
    const at = { host: '127.0.0.1', port: address.port };
    await query(at, login, 'create table filler (x text)');
    for (let round = 0; round < 100; round++) {
      try {
        await query(
          at,
          login,
          `insert into filler select repeat(md5(i::text), 30) from generate_series(1, 50000) i`,
        );
      } catch (error) {
        return error as Error & { code?: string };
      }
    }
    return undefined;
  }

  it('over-allocates a pool, and a full volume fails alone', async () => {
    // A 1 GiB pool promising 2 GiB: both sparse volumes are made.
    const poolPath = path.join(testbed.rootDir, 'pool');
    await fs.mkdir(poolPath);
    await execFileAsync('mount', [
      '-t',
      'tmpfs',
      '-o',
      'size=1g',
      'tmpfs',
      poolPath,
    ]);
    const cluster = clusterKey('tight');
    const small = await request(
      'tight-0',
      cluster,
      poolVolume(poolPath, 300 * MiB),
    );
    const large = await request(
      'tight-1',
      cluster,
      poolVolume(poolPath, 1748 * MiB),
    );
    const [a, b] = [
      await runtime.ensureInstance(small),
      await runtime.ensureInstance(large),
    ];
    const sizes = [
      (await runtime.volumeUsage(cluster, 'tight-0'))!.totalBytes,
      (await runtime.volumeUsage(cluster, 'tight-1'))!.totalBytes,
    ];
    const pool = await fs.statfs(poolPath);
    expect(sizes[0] + sizes[1]).toBeGreaterThan(1.5 * pool.blocks * pool.bsize);

    for (const name of ['tight-0', 'tight-1']) {
      const dir = instanceDir(cluster, name);
      const mount = await mountOf(path.join(dir, 'volume/data'));
      expect(mount).toMatchObject({
        mountPoint: await fs.realpath(path.join(dir, 'volume')),
        fsType: 'xfs',
        source: expect.stringMatching(/^\/dev\/loop\d+$/),
      });
      const data = await fs.stat(path.join(dir, 'volume/data'));
      expect(data.mode & 0o777).toBe(0o700);
    }

    const error = await fill(small, a.address);
    expect(error?.code).toBe('53100'); // disk_full
    expect(error?.message).toMatch(/No space left on device/);
    const login = large.context.credentials.superuser;
    await query(b.address, login, 'create table still_works (x int)');
    await expect(
      query(b.address, login, 'insert into still_works values (1) returning x'),
    ).resolves.toEqual([{ x: 1 }]);
  });

  it('grows a live volume without restarting its server', async () => {
    const poolPath = path.join(testbed.rootDir, 'pool');
    const cluster = clusterKey('growing');
    const req = await request(
      'growing-0',
      cluster,
      poolVolume(poolPath, 300 * MiB),
    );
    const instance = await runtime.ensureInstance(req);
    const before = await runtime.volumeUsage(cluster, 'growing-0');
    const pid = await serverPid(cluster, 'growing-0');

    await runtime.ensureInstance({
      ...req,
      volume: poolVolume(poolPath, 600 * MiB),
    });

    const after = await runtime.volumeUsage(cluster, 'growing-0');
    expect(after!.totalBytes).toBeGreaterThan(before!.totalBytes + 250 * MiB);
    const statfs = await fs.statfs(
      path.join(instanceDir(cluster, 'growing-0'), 'volume'),
    );
    expect(statfs.blocks * statfs.bsize).toBe(after!.totalBytes);
    expect(await serverPid(cluster, 'growing-0')).toBe(pid);
    await expect(
      query(
        instance.address,
        req.context.credentials.superuser,
        'select 1 as one',
      ),
    ).resolves.toEqual([{ one: 1 }]);
    const image = path.join(poolPath, 'default/growing/growing-0.img');
    expect((await fs.stat(image)).size).toBe(600 * MiB);
  });

  it('runs a throttled server in its group and removes it all with the instance', async () => {
    const poolPath = path.join(testbed.rootDir, 'pool');
    const cluster = clusterKey('slow');
    const req = await request(
      'slow-0',
      cluster,
      poolVolume(poolPath, 300 * MiB, LIMIT),
    );
    await runtime.ensureInstance(req);
    const dir = instanceDir(cluster, 'slow-0');
    const record = JSON.parse(
      await fs.readFile(path.join(dir, 'instance.json'), 'utf8'),
    );
    const image = path.join(poolPath, 'default/slow/slow-0.img');
    expect(record.volume).toEqual({
      pool: 'default',
      imagePath: image,
      mountPath: path.join(dir, 'volume'),
      throttleGroup: expect.stringMatching(/^default\.slow\.slow-0-[0-9a-f]+$/),
    });
    const group = path.join(
      '/sys/fs/cgroup/blkio/basalt',
      record.volume.throttleGroup,
    );
    const pid = await serverPid(cluster, 'slow-0');
    const members = async () =>
      (await fs.readFile(path.join(group, 'cgroup.procs'), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map(Number);
    expect(await members()).toContain(pid);
    // Its background workers too, which it forks once it listens.
    await eventually(
      async () => ((await members()).length > 1 ? true : undefined),
      {
        timeoutMs: 10_000,
        what: "the server's workers to join its throttle group",
      },
    );
    expect(await fs.readFile(`/proc/${pid}/cgroup`, 'utf8')).toContain(
      `:blkio:/basalt/${record.volume.throttleGroup}\n`,
    );
    const device = (await mountOf(path.join(dir, 'volume'))).deviceNumber;
    for (const file of ['read_bps_device', 'write_bps_device']) {
      await expect(
        fs.readFile(path.join(group, `blkio.throttle.${file}`), 'utf8'),
      ).resolves.toBe(`${device} ${LIMIT}\n`);
    }

    await runtime.removeInstance(cluster, 'slow-0');
    await runtime.removeInstance(cluster, 'slow-0'); // already gone: done

    const mounts = await readMounts();
    expect(mounts.filter(m => m.mountPoint.startsWith(dir))).toEqual([]);
    expect(await loopDevicesOf(image)).toBe('');
    await expect(fs.stat(group)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.stat(image)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(
      runtime.volumeUsage(cluster, 'slow-0'),
    ).resolves.toBeUndefined();
  });

  it('adopts a volume after a restart and mounts it again after a reboot', async () => {
    const poolPath = path.join(testbed.rootDir, 'pool');
    const cluster = clusterKey('lasting');
    const req = await request(
      'lasting-0',
      cluster,
      poolVolume(poolPath, 300 * MiB, LIMIT),
    );
    const instance = await runtime.ensureInstance(req);
    const login = req.context.credentials.superuser;
    await query(instance.address, login, 'create table kept (x int)');
    await query(instance.address, login, 'insert into kept values (42)');
    const pid = await serverPid(cluster, 'lasting-0');

    // A new backend adopts the running server on its mounted volume.
    await runtime.stop();
    runtime = await testbed.runtime(['node-a']);
    await runtime.ensureInstance(req);
    expect(await serverPid(cluster, 'lasting-0')).toBe(pid);

    // A reboot: the server, the mount, the loop device and the group go.
    await runtime.stop();
    await killServersUnder(testbed.rootDir);
    await releaseVolumesUnder(testbed.rootDir);
    const dir = instanceDir(cluster, 'lasting-0');
    expect(await mountOf(path.join(dir, 'volume'))).not.toMatchObject({
      fsType: 'xfs',
    });
    runtime = await testbed.runtime(['node-a']);
    const again = await runtime.ensureInstance(req);
    expect(await serverPid(cluster, 'lasting-0')).not.toBe(pid);
    expect((await mountOf(path.join(dir, 'volume/data'))).fsType).toBe('xfs');
    await expect(
      query(again.address, login, 'select x from kept'),
    ).resolves.toEqual([{ x: 42 }]);
  });

  it('removes the volume of an instance whose server fails to start', async () => {
    const poolPath = path.join(testbed.rootDir, 'pool');
    const cluster = clusterKey('broken');
    const req = await request(
      'broken-0',
      cluster,
      poolVolume(poolPath, 300 * MiB, LIMIT),
    );
    req.context.spec.parameters = { shared_buffers: 'plenty' };
    await expect(runtime.ensureInstance(req)).rejects.toThrow(
      /Could not (create|start) instance broken-0 of default\/broken/,
    );
    const image = path.join(poolPath, 'default/broken/broken-0.img');
    expect(await loopDevicesOf(image)).toBe('');
    await expect(fs.stat(image)).rejects.toMatchObject({ code: 'ENOENT' });
    const dir = instanceDir(cluster, 'broken-0');
    await expect(fs.stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
    const groups = await fs.readdir('/sys/fs/cgroup/blkio/basalt');
    expect(groups.filter(g => g.startsWith('default.broken.'))).toEqual([]);
  });

  it('keeps plain directories when enforcement is turned off', async () => {
    const off = await testbed.runtime(['node-a'], { enforce: false });
    await expect(off.volumeEnforcement()).resolves.toEqual({
      enforced: false,
      reason: 'turned off by basalt.runtimes.local.volumes.enforce',
    });
    await expect(runtime.volumeEnforcement()).resolves.toEqual({
      enforced: true,
    });
    const poolPath = path.join(testbed.rootDir, 'pool');
    const cluster = clusterKey('plain');
    runtime = off; // request() asks it for credentials
    await off.ensureInstance(
      await request('plain-0', cluster, poolVolume(poolPath, 300 * MiB, MiB)),
    );
    const dir = instanceDir(cluster, 'plain-0');
    const record = JSON.parse(
      await fs.readFile(path.join(dir, 'instance.json'), 'utf8'),
    );
    expect(record.volume).toBeUndefined();
    expect((await fs.stat(path.join(dir, 'data'))).isDirectory()).toBe(true);
    expect((await mountOf(path.join(dir, 'data'))).fsType).not.toBe('xfs');
    const usage = await off.volumeUsage(cluster, 'plain-0');
    expect(usage!.totalBytes).toBeGreaterThan(usage!.usedBytes);
    await expect(fs.stat(poolPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
