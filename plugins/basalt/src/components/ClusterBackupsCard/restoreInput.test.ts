import {
  dnsLabelProblem,
  formatLocalMinute,
  parseRecoveryTime,
  recoveryTimeProblem,
} from './restoreInput';

describe('restoreInput', () => {
  it('accepts DNS labels of at most 40 characters as cluster names', () => {
    expect(dnsLabelProblem('orders-db-2')).toBeUndefined();
    expect(dnsLabelProblem('')).toBe('Enter a name.');
    expect(dnsLabelProblem('-orders')).toMatch(/lower-case letters/);
    expect(dnsLabelProblem('Orders')).toMatch(/lower-case letters/);
    expect(dnsLabelProblem('a'.repeat(40))).toBeUndefined();
    expect(dnsLabelProblem('a'.repeat(41))).toBe(
      'Use at most 40 characters (this has 41).',
    );
    expect(dnsLabelProblem('a'.repeat(63), 63)).toBeUndefined();
  });

  it('reads times in the local zone or in ISO 8601 with a zone', () => {
    expect(parseRecoveryTime('2026-11-24T08:30:00Z')?.toISOString()).toBe(
      '2026-11-24T08:30:00.000Z',
    );
    expect(
      parseRecoveryTime('2026-11-24T09:30:00.250+01:00')?.toISOString(),
    ).toBe('2026-11-24T08:30:00.250Z');
    const local = new Date(2026, 10, 24, 8, 30);
    expect(parseRecoveryTime('2026-11-24 08:30')).toEqual(local);
    expect(parseRecoveryTime(formatLocalMinute(local))).toEqual(local);
    expect(parseRecoveryTime('yesterday')).toBeUndefined();
    expect(parseRecoveryTime('2026-13-45 08:30')).toBeUndefined();
  });

  it('wants a past time no earlier than the oldest physical backup', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    const earliest = '2026-11-24T08:00:00Z';
    expect(
      recoveryTimeProblem('2026-11-24T09:00:00Z', earliest, now),
    ).toBeUndefined();
    expect(recoveryTimeProblem('2026-11-24T11:00:00Z', earliest, now)).toBe(
      'Choose a time in the past.',
    );
    expect(recoveryTimeProblem('2026-11-24T07:00:00Z', earliest, now)).toMatch(
      /when the oldest retained physical backup completed/,
    );
    expect(recoveryTimeProblem('soon', earliest, now)).toMatch(/YYYY-MM-DD/);
  });
});
