import fs from 'node:fs/promises';
import path from 'node:path';
import {
  ClusterKey,
  InstanceRequest,
  InstanceResources,
  VolumeRequest,
} from '@basalt/plugin-basalt-node';
import { PostgresDriver } from '../../engines/postgresql';
import {
  clusterKey,
  eventually,
  postgresSpec,
  query,
  Testbed,
} from './__testUtils__/testbed';
import { throttleGroupName } from './InstanceVolumes';
import { LocalRuntime } from './LocalRuntime';
import { ResourceLimits } from './resources/ResourceLimits';
import { BlkioThrottle } from './volumes/BlkioThrottle';
import { requireRootOnLinux } from './volumes/__testUtils__/requireRoot';

// Real PostgreSQL (as `nobody`) in real cgroup v1 cpu and memory groups:
// these tests need Linux and root.

const MiB = 2 ** 20;
const driver = new PostgresDriver();
const HALF_CORE_512MIB: InstanceResources = {
  cpuMillis: 500,
  memoryBytes: 512 * MiB,
};

/** The cgroup paths the kernel reports for a process, by controller. */
async function cgroupsOf(pid: number): Promise<Record<string, string>> {
  const text = await fs.readFile(`/proc/${pid}/cgroup`, 'utf8');
  const result: Record<string, string> = {};
  for (const line of text.split('\n').filter(Boolean)) {
    const [, controllers, cgroup] = line.split(':');
    for (const controller of controllers.split(',')) {
      result[controller] = cgroup;
    }
  }
  return result;
}

async function childrenOf(pid: number): Promise<number[]> {
  const text = await fs.readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
  return text.split(' ').filter(Boolean).map(Number);
}

const exists = (file: string) =>
  fs.stat(file).then(
    () => true,
    () => false,
  );

describe('LocalRuntime resources', () => {
  requireRootOnLinux();
  jest.setTimeout(120_000);
  let testbed: Testbed;
  let runtime: LocalRuntime;

  beforeEach(async () => {
    testbed = await Testbed.create({ from: 32500, to: 32549 });
    runtime = await testbed.runtime(['node-a']);
  });

  // Kills the servers, then removes whatever volumes, throttle and
  // resource groups a failed test left behind.
  afterEach(() => testbed.cleanup());

  async function request(
    cluster: ClusterKey,
    name: string,
    resources: InstanceResources,
    volume?: VolumeRequest,
  ): Promise<InstanceRequest> {
    const spec = postgresSpec();
    const accounts = spec.accounts.map(account => account.name);
    const { credentials } = await runtime.ensureCredentials(cluster, accounts);
    return {
      cluster,
      name,
      node: 'node-a',
      bootstrap: { from: 'scratch' },
      driver,
      context: { spec, credentials, resources },
      resources,
      ...(volume && { volume }),
    };
  }

  async function serverPid(cluster: ClusterKey, name: string) {
    const file = path.join(
      testbed.rootDir,
      'nodes/node-a',
      cluster.namespace,
      cluster.name,
      name,
      'server.pid',
    );
    return Number((await fs.readFile(file, 'utf8')).trim());
  }

  it('runs the engine in cpu and memory groups holding it to its resources', async () => {
    expect(await runtime.resourceEnforcement()).toEqual({ enforced: true });
    const cluster = clusterKey('limited');
    const req = await request(cluster, 'limited-0', HALF_CORE_512MIB);
    const instance = await runtime.ensureInstance(req);
    const pid = await serverPid(cluster, 'limited-0');
    const group = `/basalt/${throttleGroupName(cluster, 'limited-0')}`;
    const limits = ResourceLimits.of({
      name: throttleGroupName(cluster, 'limited-0'),
    });

    // The postmaster and the processes it forked are in both groups.
    const cgroups = await cgroupsOf(pid);
    expect(cgroups.cpu).toBe(group);
    expect(cgroups.memory).toBe(group);
    // Listening comes a moment before the postmaster forks its workers.
    const children = await eventually(async () => {
      const forked = await childrenOf(pid);
      return forked.length > 0 ? forked : undefined;
    });
    // Short-lived children (a probe's session) may end between readings,
    // and a child just forked shows in /proc a moment before the group's
    // list has it: the children still there must all show in the groups.
    const members = await eventually(async () => {
      const listed = await limits.processes();
      const stillThere = await childrenOf(pid);
      const lasting = children.filter(child => stillThere.includes(child));
      const grouped = [pid, ...lasting].every(
        member => listed.cpu.includes(member) && listed.memory.includes(member),
      );
      return lasting.length > 0 && grouped ? { ...listed, lasting } : undefined;
    });
    for (const member of [pid, ...members.lasting]) {
      expect(members.cpu).toContain(member);
      expect(members.memory).toContain(member);
    }
    expect(await limits.readLimits()).toEqual({
      cpuQuotaMicros: 50_000,
      cpuPeriodMicros: 100_000,
      memoryBytes: 512 * MiB,
    });
    // The driver sized the engine to the same memory: a quarter of it.
    const [settings] = await query<{ shared_buffers: string }>(
      instance.address,
      req.context.credentials.superuser,
      'show shared_buffers',
    );
    expect(settings.shared_buffers).toBe('128MB');

    await runtime.removeInstance(cluster, 'limited-0');
    expect(await exists(limits.paths.cpu)).toBe(false);
    expect(await exists(limits.paths.memory)).toBe(false);
  });

  it('keeps a running server in its groups when adopted, and applies new limits at its next start', async () => {
    const cluster = clusterKey('adopted');
    const req = await request(cluster, 'adopted-0', HALF_CORE_512MIB);
    await runtime.ensureInstance(req);
    const pid = await serverPid(cluster, 'adopted-0');
    const limits = ResourceLimits.of({
      name: throttleGroupName(cluster, 'adopted-0'),
    });

    // A new backend over the same root, asked for a bigger size: it adopts
    // the server as it runs, limits and all.
    const bigger = { cpuMillis: 1500, memoryBytes: 1024 * MiB };
    const next = await testbed.runtime(['node-a']);
    await next.ensureInstance({ ...req, resources: bigger });
    expect(await serverPid(cluster, 'adopted-0')).toBe(pid);
    expect((await limits.processes()).memory).toContain(pid);
    expect((await limits.readLimits()).memoryBytes).toBe(512 * MiB);

    await next.stopInstance(cluster, 'adopted-0', 'clean');
    await next.ensureInstance({ ...req, resources: bigger });
    const restarted = await serverPid(cluster, 'adopted-0');
    expect(restarted).not.toBe(pid);
    expect((await limits.processes()).memory).toContain(restarted);
    expect(await limits.readLimits()).toEqual({
      cpuQuotaMicros: 150_000,
      cpuPeriodMicros: 100_000,
      memoryBytes: 1024 * MiB,
    });
  });

  it('runs a server with a throttled volume in its throttle group and its resource groups', async () => {
    const cluster = clusterKey('throttled');
    const poolPath = path.join(testbed.rootDir, 'pool');
    await fs.mkdir(poolPath);
    const req = await request(cluster, 'throttled-0', HALF_CORE_512MIB, {
      pool: 'default',
      poolPath,
      sizeBytes: 512 * MiB,
      throughputBytesPerSec: 8 * MiB,
    });
    await runtime.ensureInstance(req);
    const pid = await serverPid(cluster, 'throttled-0');
    const name = throttleGroupName(cluster, 'throttled-0');
    const cgroups = await cgroupsOf(pid);
    expect(cgroups.blkio).toBe(`/basalt/${name}`);
    expect(cgroups.cpu).toBe(`/basalt/${name}`);
    expect(cgroups.memory).toBe(`/basalt/${name}`);
    expect(
      (await (await BlkioThrottle.ensure({ name })).processes()).includes(pid),
    ).toBe(true);
    // Still the engine user: the wrappers drop to it once, whatever wraps it.
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
    const uid = /^Uid:\s+(\d+)/m.exec(status)![1];
    expect(uid).not.toBe('0');

    await runtime.removeInstance(cluster, 'throttled-0');
    expect(await exists(ResourceLimits.of({ name }).paths.memory)).toBe(false);
  });
});
