import { segmentOf, selectWalFiles, unneededWalFiles } from './archivedWal';

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
    expect(selectWalFiles(names, '0/3000028')).toEqual([
      '00000002.history',
      '000000010000000000000003',
      '000000020000000000000004',
    ]);
  });
});

describe('unneededWalFiles', () => {
  const names = [
    '000000010000000000000002',
    '000000010000000000000002.partial',
    '000000010000000000000003',
    '000000020000000000000004',
    '00000002.history',
  ];

  it('takes the segments before the earliest retained backup, of every timeline, and keeps history files', () => {
    expect(unneededWalFiles(names, ['0/4000028', '0/3000028'])).toEqual([
      '000000010000000000000002',
      '000000010000000000000002.partial',
    ]);
  });

  it('takes nothing while no physical backup is retained', () => {
    expect(unneededWalFiles(names, [])).toEqual([]);
  });
});
