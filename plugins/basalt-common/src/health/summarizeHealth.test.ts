import { summarizeHealth } from './summarizeHealth';
import { HealthCheckResult } from './types';

const check = (
  name: string,
  status: HealthCheckResult['status'],
): HealthCheckResult => ({
  name,
  status,
  message: `${name} ${status}`,
  durationMs: 1,
});

describe('summarizeHealth', () => {
  it('is ok when every check passes', () => {
    expect(summarizeHealth([check('database', 'pass')]).status).toBe('ok');
  });

  it('is failing when any check fails', () => {
    const report = summarizeHealth([
      check('database', 'pass'),
      check('runtime', 'fail'),
    ]);
    expect(report.status).toBe('failing');
  });

  it('is ok with no checks at all', () => {
    expect(summarizeHealth([])).toEqual({ status: 'ok', checks: [] });
  });

  it('lists checks by name without reordering its input', () => {
    const input = [check('runtime', 'pass'), check('database', 'pass')];
    const report = summarizeHealth(input);
    expect(report.checks.map(c => c.name)).toEqual(['database', 'runtime']);
    expect(input.map(c => c.name)).toEqual(['runtime', 'database']);
  });
});
