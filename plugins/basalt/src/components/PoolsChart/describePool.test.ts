import {
  allocationLevel,
  describeCapacity,
  describeThroughput,
  percentOf,
  unenforcedReasons,
} from './describePool';
import { GiB, MiB, poolStatus } from './testPools';

describe('describePool', () => {
  it('says what is allocated, allocatable, physical and used', () => {
    const pool = poolStatus('node-a');
    expect(describeCapacity(pool)).toBe(
      'node-a · default: 2.0 GiB allocated of 200.0 GiB allocatable (100.0 GiB physical × 2.0), 45.0 MiB used',
    );
    expect(describeThroughput(pool)).toBe(
      'node-a · default: 20.0 MiB/s allocated of 375.0 MiB/s allocatable (250.0 MiB/s physical × 1.5)',
    );
  });

  it('says when the use is unknown', () => {
    expect(describeCapacity(poolStatus('n', { usedBytes: undefined }))).toMatch(
      /, used unknown$/,
    );
  });

  it('names over-allocation beyond physical and beyond the limit', () => {
    const over = poolStatus('n', { allocatedBytes: 150 * GiB });
    expect(
      allocationLevel({ physical: 1, allocatable: 2, allocated: 1.5 }),
    ).toBe('over-physical');
    expect(describeCapacity(over)).toMatch(
      /; over-allocated by 50\.0 GiB beyond physical$/,
    );
    const beyond = poolStatus('n', { allocatedBytesPerSec: 400 * MiB });
    expect(describeThroughput(beyond)).toMatch(
      /; 25\.0 MiB\/s beyond the allocatable limit$/,
    );
  });

  it('groups the reasons limits are not enforced', () => {
    const reason = 'volumes need root on Linux';
    expect(
      unenforcedReasons([
        poolStatus('node-a', { enforcement: { enforced: false, reason } }),
        poolStatus('node-b', { enforcement: { enforced: false, reason } }),
        poolStatus('node-c'),
      ]),
    ).toEqual([{ reason, pools: ['node-a · default', 'node-b · default'] }]);
  });
});

describe('percentOf', () => {
  it('reads at any size', () => {
    expect(percentOf(0, 100)).toBe('0 %');
    expect(percentOf(0.05, 100)).toBe('< 0.1 %');
    expect(percentOf(0.4, 100)).toBe('0.4 %');
    expect(percentOf(12.4, 100)).toBe('12 %');
    expect(percentOf(250, 100)).toBe('250 %');
    expect(percentOf(1, 0)).toBe('—');
  });
});
