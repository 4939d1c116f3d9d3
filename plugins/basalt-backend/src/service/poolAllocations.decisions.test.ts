import { poolAllocations, PoolVolume } from './poolAllocations';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

const volume = (
  cluster: string,
  instance: string,
  amounts: Partial<PoolVolume> = {},
): PoolVolume => ({
  cluster,
  instance,
  sizeBytes: GiB,
  throughputBytesPerSec: 0,
  ...amounts,
});

describe('poolAllocations', () => {
  const volumes = [
    volume('payments/orders-db', 'orders-db-1', {
      sizeBytes: 20 * GiB,
      throughputBytesPerSec: 100 * MiB,
      usedBytes: 300 * MiB,
    }),
    volume('payments/ledger-db', 'ledger-db-0', {
      sizeBytes: 2 * GiB,
      throughputBytesPerSec: 20 * MiB,
      usedBytes: 50 * MiB,
    }),
    volume('payments/ledger-db', 'ledger-db-2', {
      sizeBytes: 2 * GiB,
      usedBytes: 40 * MiB,
    }),
    volume('search/index-db', 'index-db-0', { sizeBytes: 5 * GiB }),
    volume('search/cache-db', 'cache-db-1', {
      sizeBytes: 3 * GiB,
      throughputBytesPerSec: 10 * MiB,
      usedBytes: MiB,
    }),
  ];

  it('sums each readable cluster, the most capacity first, the others as one', () => {
    const mayRead = (cluster: string) => cluster.startsWith('payments/');
    expect(poolAllocations(volumes, mayRead)).toEqual([
      {
        cluster: 'payments/orders-db',
        instances: ['orders-db-1'],
        volumes: 1,
        allocatedBytes: 20 * GiB,
        usedBytes: 300 * MiB,
        allocatedBytesPerSec: 100 * MiB,
        unlimitedVolumes: 0,
      },
      {
        cluster: 'payments/ledger-db',
        instances: ['ledger-db-0', 'ledger-db-2'],
        volumes: 2,
        allocatedBytes: 4 * GiB,
        usedBytes: 90 * MiB,
        // One volume has no limit: it adds nothing and is counted apart.
        allocatedBytesPerSec: 20 * MiB,
        unlimitedVolumes: 1,
      },
      {
        // search/*: not named, and no use, as one of them is unknown.
        instances: [],
        volumes: 2,
        allocatedBytes: 8 * GiB,
        allocatedBytesPerSec: 10 * MiB,
        unlimitedVolumes: 1,
      },
    ]);
  });

  it('adds up to the totals whoever asks', () => {
    const total = (mayRead: (cluster: string) => boolean) =>
      poolAllocations(volumes, mayRead).reduce(
        (sum, a) => ({
          bytes: sum.bytes + a.allocatedBytes,
          rate: sum.rate + a.allocatedBytesPerSec,
          volumes: sum.volumes + a.volumes,
        }),
        { bytes: 0, rate: 0, volumes: 0 },
      );
    const expected = { bytes: 32 * GiB, rate: 130 * MiB, volumes: 5 };
    expect(total(() => true)).toEqual(expected);
    expect(total(() => false)).toEqual(expected);
    expect(poolAllocations(volumes, () => false)).toHaveLength(1);
  });

  it('orders clusters of equal capacity by name, and is empty for an empty pool', () => {
    const even = [volume('b/y', 'y-0'), volume('a/x', 'x-0')];
    expect(poolAllocations(even, () => true).map(a => a.cluster)).toEqual([
      'a/x',
      'b/y',
    ]);
    expect(poolAllocations([], () => true)).toEqual([]);
  });
});
