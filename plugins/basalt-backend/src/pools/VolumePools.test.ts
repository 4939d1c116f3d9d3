import { ConfigReader } from '@backstage/config';
import { readPoolConfig } from './readPoolConfig';
import { VolumePools } from './VolumePools';

describe('VolumePools', () => {
  const config = new ConfigReader({
    basalt: {
      volumePools: {
        fast: { capacity: '100Gi', nodes: { 'node-a': {} } },
        bulk: { capacity: '1Ti' },
      },
    },
  });

  async function poolsWhile(nodeLists: string[][]) {
    let now = nodeLists[0];
    const pools = await VolumePools.create({
      listNodes: async () => now,
      poolsOn: nodes => readPoolConfig(config, { nodes, rootDir: '/data' }),
    });
    const seen = [];
    for (const nodes of nodeLists) {
      now = nodes;
      seen.push(
        (await pools.current()).map(pool => `${pool.pool}@${pool.node}`),
      );
    }
    return seen;
  }

  it('puts a pool without a node list on a node that joins, and keeps it when the node leaves', async () => {
    expect(
      await poolsWhile([['node-a'], ['node-a', 'node-b'], ['node-a']]),
    ).toEqual([
      ['fast@node-a', 'bulk@node-a'],
      ['fast@node-a', 'bulk@node-a', 'bulk@node-b'],
      ['fast@node-a', 'bulk@node-a', 'bulk@node-b'],
    ]);
  });

  it('refuses a bad configuration when it is created', async () => {
    await expect(
      VolumePools.create({
        listNodes: async () => ['node-a'],
        poolsOn: nodes =>
          readPoolConfig(
            new ConfigReader({
              basalt: { volumePools: { bulk: { capacity: 'lots' } } },
            }),
            { nodes, rootDir: '/data' },
          ),
      }),
    ).rejects.toThrow(/basalt\.volumePools\.bulk\.capacity/);
  });
});
