import { formatBytes, formatRatio, parseQuantity } from './quantity';

const Gi = 2 ** 30;

describe('parseQuantity', () => {
  it('reads plain bytes and binary suffixes', () => {
    expect(parseQuantity(1024)).toBe(1024);
    expect(parseQuantity('1024')).toBe(1024);
    expect(parseQuantity('4Ki')).toBe(4096);
    expect(parseQuantity('500Mi')).toBe(500 * 2 ** 20);
    expect(parseQuantity('200Gi')).toBe(200 * Gi);
    expect(parseQuantity('1.5Ti')).toBe(1.5 * 2 ** 40);
    expect(parseQuantity('1Pi')).toBe(2 ** 50);
  });

  it('refuses anything else', () => {
    for (const bad of [
      '12x',
      '1.5',
      '-1Gi',
      '200GB',
      '200gi',
      '',
      'Gi',
      1.5,
      -1,
      true,
      null,
    ]) {
      expect(parseQuantity(bad)).toBeUndefined();
    }
  });
});

describe('formatBytes', () => {
  it('uses the largest suffix and cuts fractions to two decimals', () => {
    expect(formatBytes(20 * Gi)).toBe('20Gi');
    expect(formatBytes(1.5 * 2 ** 40)).toBe('1.5Ti');
    expect(formatBytes(20 * Gi - 1)).toBe('19.99Gi');
    expect(formatBytes(512)).toBe('512');
    expect(formatBytes(0)).toBe('0');
  });

  it('round-trips with parseQuantity', () => {
    for (const text of ['5Gi', '500Mi', '2Ti', '1.25Gi']) {
      expect(formatBytes(parseQuantity(text)!)).toBe(text);
    }
  });
});

describe('formatRatio', () => {
  it('keeps one decimal for whole ratios', () => {
    expect(formatRatio(2)).toBe('2.0');
    expect(formatRatio(1.25)).toBe('1.25');
  });
});
