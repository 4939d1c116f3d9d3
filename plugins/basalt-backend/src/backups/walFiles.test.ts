import { segmentOf, selectWalFiles } from './walFiles';

describe('segmentOf', () => {
  it('names the 16 MiB segment holding a WAL position', () => {
    expect(segmentOf('0/3000028')).toBe('0000000000000003');
    expect(segmentOf('0/FFFFFFF')).toBe('000000000000000F');
    expect(segmentOf('1A/2B000000')).toBe('0000001A0000002B');
  });
});

describe('selectWalFiles', () => {
  it('takes history files and every segment from the backup start on, of every timeline', () => {
    const names = [
      '000000010000000000000002',
      '000000010000000000000003',
      '000000010000000000000004.partial',
      '000000020000000000000004',
      '00000002.history',
      'unrelated.txt',
    ];
    expect(selectWalFiles(names, { start: '0/3000028' })).toEqual([
      '00000002.history',
      '000000010000000000000003',
      '000000020000000000000004',
    ]);
  });
});
