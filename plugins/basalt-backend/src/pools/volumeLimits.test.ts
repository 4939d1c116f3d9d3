import { volumeLimitsOf } from './volumeLimits';

describe('volumeLimitsOf', () => {
  it('reads size and throughput in bytes', () => {
    expect(volumeLimitsOf({ size: '2Gi', throughput: '20Mi' })).toEqual({
      sizeBytes: 2 * 2 ** 30,
      throughputBytesPerSec: 20 * 2 ** 20,
    });
  });

  it('gives 0 (no limit, as blkio takes it) without a throughput', () => {
    expect(volumeLimitsOf({ size: '1Gi' })).toEqual({
      sizeBytes: 2 ** 30,
      throughputBytesPerSec: 0,
    });
  });
});
