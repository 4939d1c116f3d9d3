import { runHealthCheck } from './runHealthCheck';

describe('runHealthCheck', () => {
  it('passes with the message of a check that resolves', async () => {
    const result = await runHealthCheck(
      { name: 'database', check: async () => ({ message: 'answered' }) },
      { timeoutMs: 1000 },
    );
    expect(result).toEqual({
      name: 'database',
      status: 'pass',
      message: 'answered',
      durationMs: expect.any(Number),
    });
  });

  it('fails with the error of a check that throws', async () => {
    const result = await runHealthCheck(
      {
        name: 'runtime',
        check: async () => {
          throw new Error('postgres binaries not found in /usr/lib/postgresql');
        },
      },
      { timeoutMs: 1000 },
    );
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'postgres binaries not found in /usr/lib/postgresql',
    );
  });

  it('fails a check that outlives its deadline and aborts it', async () => {
    let aborted = false;
    const result = await runHealthCheck(
      {
        name: 'repository',
        check: ({ signal }) =>
          new Promise(() => {
            signal.addEventListener('abort', () => {
              aborted = true;
            });
          }),
      },
      { timeoutMs: 50 },
    );
    expect(result.status).toBe('fail');
    expect(result.message).toBe('did not answer within 50 ms');
    expect(result.durationMs).toBeGreaterThanOrEqual(45);
    expect(aborted).toBe(true);
  });
});
