import { ClusterResource } from '@basalt/plugin-basalt-common';
import { promises as fs } from 'fs';
import { join } from 'path';
import { connect } from './__testUtils__/clusterApi';
import {
  postgresManifest,
  untilReady,
  useTestBackend,
} from './__testUtils__/testBackend';
import { eventually } from './testUtils/eventually';

jest.setTimeout(240_000);

const ref = (name: string) => ({ namespace: 'payments', name });
const MiB = 2 ** 20;

// Through the API and the controller to a real PostgreSQL on the local
// runtime, as root: the engine is sized from and held to spec.resources.
describe('resources on the local runtime', () => {
  const backend = useTestBackend({ ports: { from: 32550, to: 32599 } });

  async function serverPid(cluster: ClusterResource): Promise<number> {
    const [instance] = cluster.status!.instances;
    const file = join(
      backend.rootDir,
      'nodes',
      instance.node,
      'payments',
      cluster.metadata.name,
      instance.name,
      'server.pid',
    );
    return Number((await fs.readFile(file, 'utf8')).trim());
  }

  /** The directory of the process's group in a cgroup v1 controller. */
  async function groupOf(pid: number, controller: string): Promise<string> {
    const text = await fs.readFile(`/proc/${pid}/cgroup`, 'utf8');
    const line = text
      .split('\n')
      .find(l => l.split(':')[1]?.split(',').includes(controller))!;
    return join('/sys/fs/cgroup', controller, line.split(':')[2]);
  }

  const read = async (file: string) => (await fs.readFile(file, 'utf8')).trim();

  it('sizes the engine from spec.resources and holds it to them', async () => {
    const client = backend.client();
    await client.applyCluster(
      postgresManifest('sized', {
        resources: { cpu: '500m', memory: '768Mi' },
      }),
    );
    const cluster = await untilReady(client, ref('sized'), 1);
    expect(
      cluster.status!.conditions.find(c => c.type === 'ResourceLimitsEnforced'),
    ).toMatchObject({ status: 'True', reason: 'LimitsEnforced' });

    const pid = await serverPid(cluster);
    const memory = await groupOf(pid, 'memory');
    const cpu = await groupOf(pid, 'cpu');
    expect(memory).toMatch(
      /\/sys\/fs\/cgroup\/memory\/basalt\/payments\.sized\./,
    );
    expect(await read(join(memory, 'memory.limit_in_bytes'))).toBe(
      String(768 * MiB),
    );
    expect(await read(join(cpu, 'cpu.cfs_quota_us'))).toBe('50000');
    expect(await read(join(cpu, 'cpu.cfs_period_us'))).toBe('100000');

    const db = await connect(cluster, 'readWrite');
    try {
      const setting = async (name: string) =>
        (await db.query(`show ${name}`)).rows[0][name];
      expect(await setting('shared_buffers')).toBe('192MB');
      expect(await setting('max_connections')).toBe('75');
    } finally {
      await db.end();
    }

    await client.deleteCluster(ref('sized'));
    await eventually(
      async () =>
        (await fs.stat(memory).catch(() => undefined)) ? undefined : true,
      { what: "the instance's memory group to be removed" },
    );
  });
});
