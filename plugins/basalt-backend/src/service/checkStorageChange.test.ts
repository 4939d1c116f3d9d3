import { ClusterResource } from '@basalt/plugin-basalt-common';
import { NodePool } from '../pools';
import { InstanceStorage } from '../store';
import { checkStorageChange } from './checkStorageChange';

const GiB = 2 ** 30;
const pools: NodePool[] = ['node-a', 'node-b'].map(node => ({
  node,
  pool: 'default',
  path: `/pools/${node}`,
  capacityBytes: 10 * GiB,
  throughputBytesPerSec: 100 * 2 ** 20,
  iops: 1000,
  maxVolumes: 8,
  overAllocation: { capacity: 2, throughput: 1.5 },
}));
const existing = {
  metadata: { namespace: 'payments', name: 'orders-db' },
  spec: { storage: { size: '4Gi', pool: 'default' } },
} as ClusterResource;
const instances: InstanceStorage[] = [
  {
    instance: 'orders-db-0',
    node: 'node-a',
    cluster: 'payments/orders-db',
    storage: { size: '4Gi', pool: 'default' },
  },
  {
    instance: 'other-db-0',
    node: 'node-a',
    cluster: 'payments/other-db',
    storage: { size: '12Gi', pool: 'default', throughput: '100Mi' },
  },
];
const check = (size: string, pool = 'default', throughput?: string) =>
  checkStorageChange({
    existing,
    next: { size, pool, ...(throughput && { throughput }) },
    pools,
    instances,
  });

describe('checkStorageChange', () => {
  it('lets a volume grow within its node’s allocatable capacity', () => {
    expect(() => check('8Gi')).not.toThrow();
    expect(() => check('4Gi')).not.toThrow();
  });

  it('refuses growth past the node’s allocatable capacity, saying why', () => {
    expect(() => check('9Gi')).toThrow(
      /^spec\.storage\.size: cannot expand payments\/orders-db-0 from 4Gi to 9Gi in pool default: it needs 5Gi more and node-a 4Gi free of 10Gi at ratio 2\.0/,
    );
  });

  it('refuses shrinking and moving to another pool', () => {
    expect(() => check('2Gi')).toThrow(
      'spec.storage.size: volumes only grow, not from 4Gi to 2Gi',
    );
    expect(() => check('4Gi', 'fast')).toThrow(
      /^spec\.storage\.pool: volumes cannot move to another pool/,
    );
  });

  it('raises a throughput limit within the node’s allocatable throughput, and lowers it', () => {
    // node-a: 100Mi/s at ratio 1.5, of which other-db holds 100Mi/s.
    expect(() => check('4Gi', 'default', '50Mi')).not.toThrow();
    expect(() => check('8Gi', 'default', '50Mi')).not.toThrow();
  });

  it('refuses a throughput limit past the node’s allocatable throughput, saying why', () => {
    expect(() => check('4Gi', 'default', '60Mi')).toThrow(
      'spec.storage.throughput: cannot raise the throughput of payments/orders-db-0 from 0/s to 60Mi/s in pool default: it needs 60Mi/s more and node-a 50Mi/s throughput free of 100Mi/s at ratio 1.5',
    );
  });
});
