import { NodePool, VolumeAllocation } from '../../pools';
import { placeInstances } from './placeInstances';

const GiB = 2 ** 30;
const nodes = ['node-a', 'node-b', 'node-c'].map(name => ({
  name,
  ready: true,
}));
const pools: NodePool[] = nodes.map(({ name }) => ({
  node: name,
  pool: 'default',
  path: `/pools/${name}`,
  capacityBytes: 10 * GiB,
  throughputBytesPerSec: 100 * 2 ** 20,
  iops: 1000,
  maxVolumes: 8,
  overAllocation: { capacity: 2, throughput: 1.5 },
}));
const storage = { size: '4Gi', pool: 'default' };
const volume = (
  cluster: string,
  name: string,
  node: string,
  sizeBytes = 4 * GiB,
): VolumeAllocation => ({
  volume: `payments/${name}`,
  cluster,
  pool: 'default',
  node,
  sizeBytes,
  throughputBytesPerSec: 0,
});

describe('placeInstances', () => {
  it('spreads over distinct nodes, most headroom first, by name on ties', () => {
    expect(
      placeInstances({
        cluster: 'payments/orders-db',
        storage,
        instances: ['orders-db-0', 'orders-db-1'],
        nodes,
        pools,
        allocations: [
          volume('payments/other-db', 'other-db-0', 'node-a', 12 * GiB),
        ],
      }),
    ).toEqual(['node-b', 'node-c']);
  });

  it('never places two instances of one cluster on a node', () => {
    expect(
      placeInstances({
        cluster: 'payments/orders-db',
        storage,
        instances: ['orders-db-2'],
        nodes,
        pools,
        allocations: [
          volume('payments/orders-db', 'orders-db-0', 'node-b'),
          volume('payments/orders-db', 'orders-db-1', 'node-c'),
        ],
      }),
    ).toEqual(['node-a']);
  });

  it('refuses with the placement reasons, and names nodes that are not ready', () => {
    expect(() =>
      placeInstances({
        cluster: 'payments/orders-db',
        storage: { size: '18Gi', pool: 'default' },
        instances: ['orders-db-1'],
        nodes: [...nodes.slice(0, 2), { name: 'node-c', ready: false }],
        pools,
        allocations: [
          volume('payments/orders-db', 'orders-db-0', 'node-a'),
          volume('payments/other-db', 'other-db-0', 'node-b'),
        ],
      }),
    ).toThrow(
      /^no node has 18Gi allocatable in pool default for payments\/orders-db.*node-a already holds a volume of payments\/orders-db.*node-b 16Gi free of 10Gi at ratio 2\.0.*; not ready: node-c$/,
    );
  });
});
