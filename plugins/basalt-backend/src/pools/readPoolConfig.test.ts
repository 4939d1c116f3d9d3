import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import { POOL_DEFAULTS, readPoolConfig } from './readPoolConfig';

const Gi = 2 ** 30;
const Mi = 2 ** 20;
const options = { nodes: ['node-a', 'node-b'], rootDir: '/var/lib/basalt' };

function read(volumePools: JsonObject) {
  return readPoolConfig(new ConfigReader({ basalt: { volumePools } }), options);
}

describe('readPoolConfig', () => {
  it('defaults to a pool named default on the given nodes', () => {
    const pools = readPoolConfig(new ConfigReader({}), options);
    expect(pools).toEqual(
      ['node-a', 'node-b'].map(node => ({
        node,
        pool: 'default',
        path: '/var/lib/basalt/pools/default',
        capacityBytes: 100 * Gi,
        throughputBytesPerSec: 250 * Mi,
        iops: 10_000,
        maxVolumes: 64,
        overAllocation: { capacity: 2.0, throughput: 1.5 },
      })),
    );
    expect(read({})).toEqual(pools);
  });

  it('reads pool-level values and per-node overrides', () => {
    const pools = read({
      default: {
        capacity: '200Gi',
        throughput: '500Mi',
        iops: 20000,
        maxVolumes: 32,
        overAllocation: { capacity: 2.0, throughput: 1.5 },
        nodes: {
          'node-a': { path: '/var/lib/basalt/pools/default' },
          'node-b': {
            path: '/srv/pool',
            capacity: '100Gi',
            throughput: '1Gi/s',
            overAllocation: { capacity: 1.25 },
          },
        },
      },
    });
    expect(pools).toEqual([
      {
        node: 'node-a',
        pool: 'default',
        path: '/var/lib/basalt/pools/default',
        capacityBytes: 200 * Gi,
        throughputBytesPerSec: 500 * Mi,
        iops: 20000,
        maxVolumes: 32,
        overAllocation: { capacity: 2.0, throughput: 1.5 },
      },
      {
        node: 'node-b',
        pool: 'default',
        path: '/srv/pool',
        capacityBytes: 100 * Gi,
        throughputBytesPerSec: 1024 * Mi,
        iops: 20000,
        maxVolumes: 32,
        overAllocation: { capacity: 1.25, throughput: 1.5 },
      },
    ]);
  });

  it('puts a pool without nodes on every given node, with defaults for the rest', () => {
    const pools = read({ fast: { capacity: 1073741824, path: '/nvme' } });
    expect(pools.map(p => [p.node, p.pool, p.path, p.capacityBytes])).toEqual([
      ['node-a', 'fast', '/nvme', Gi],
      ['node-b', 'fast', '/nvme', Gi],
    ]);
    expect(pools[0].maxVolumes).toBe(POOL_DEFAULTS.maxVolumes);
    expect(read({ slow: {} })[0].path).toBe('/var/lib/basalt/pools/slow');
  });

  it.each([
    [
      { default: { nodes: { 'node-b': { capacity: '12x' } } } },
      `basalt.volumePools.default.nodes.node-b.capacity: must be a size such as 200Gi (whole bytes, or a number with Ki, Mi, Gi, Ti or Pi) greater than 0, got '12x'`,
    ],
    [
      { default: { capacity: 0 } },
      'basalt.volumePools.default.capacity: must be a size such as 200Gi',
    ],
    [
      { default: { throughput: '500MB' } },
      `basalt.volumePools.default.throughput: must be bytes per second such as 500Mi or 500Mi/s`,
    ],
    [
      { default: { overAllocation: { capacity: 0.5 } } },
      'basalt.volumePools.default.overAllocation.capacity: must be a ratio ≥ 1 such as 1.5, got 0.5',
    ],
    [
      {
        default: {
          nodes: { 'node-a': { overAllocation: { throughput: 'x' } } },
        },
      },
      `basalt.volumePools.default.nodes.node-a.overAllocation.throughput: must be a ratio ≥ 1 such as 1.5, got 'x'`,
    ],
    [
      { default: { overAllocation: { cpu: 2 } } },
      'basalt.volumePools.default.overAllocation.cpu: unknown setting; allowed are capacity, throughput',
    ],
    [
      { default: { maxVolumes: 1.5 } },
      'basalt.volumePools.default.maxVolumes: must be a whole number ≥ 1 such as 64, got 1.5',
    ],
    [
      { default: { iops: '20k' } },
      `basalt.volumePools.default.iops: must be a whole number ≥ 1 such as 20000, got '20k'`,
    ],
    [
      { default: { nodes: { 'node-a': { path: 'pools/default' } } } },
      `basalt.volumePools.default.nodes.node-a.path: must be an absolute path, got 'pools/default'`,
    ],
    [
      { default: { capcity: '1Gi' } },
      'basalt.volumePools.default.capcity: unknown setting; allowed are path, capacity',
    ],
    [
      { Fast: {} },
      'basalt.volumePools.Fast: a pool name must be lowercase letters, digits and dashes',
    ],
    [{ default: 'big' }, 'basalt.volumePools.default: '],
  ])('refuses %j', (volumePools, message) => {
    expect(() => read(volumePools as JsonObject)).toThrow(InputError);
    expect(() => read(volumePools as JsonObject)).toThrow(message);
  });
});
