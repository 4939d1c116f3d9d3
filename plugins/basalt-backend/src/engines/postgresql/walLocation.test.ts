import { InputError } from '@backstage/errors';
import { compareWalLocations, walByteOffset } from './walLocation';

describe('walByteOffset', () => {
  it('reads the high and low 32 bits in hexadecimal', () => {
    expect(walByteOffset('0/3000060')).toBe(0x3000060n);
    expect(walByteOffset('1/0')).toBe(1n << 32n);
    expect(walByteOffset('a/ff')).toBe((10n << 32n) + 255n);
  });

  it('refuses what is not a WAL location, saying what one looks like', () => {
    for (const text of [
      '',
      '3000060',
      '0/',
      '0/3000060/1',
      'G/0',
      '0/123456789',
    ]) {
      expect(() => walByteOffset(text)).toThrow(InputError);
    }
    expect(() => walByteOffset('12')).toThrow(/as in 0\/3000060/);
  });
});

describe('compareWalLocations', () => {
  it('orders by byte offset, not as text', () => {
    expect(compareWalLocations('0/9000000', '0/10000000')).toBeLessThan(0);
    expect(compareWalLocations('1/0', '0/FFFFFFFF')).toBeGreaterThan(0);
    expect(compareWalLocations('0/ABC', '0/abc')).toBe(0);
  });
});
