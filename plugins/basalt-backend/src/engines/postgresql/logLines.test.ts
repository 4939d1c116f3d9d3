import { parsePostgresLogLine } from './logLines';

describe('parsePostgresLogLine', () => {
  it('reads the severity and time of a background process line', () => {
    expect(
      parsePostgresLogLine(
        '2026-11-24 10:00:00.123 UTC [1234] LOG:  database system is ready to accept connections',
      ),
    ).toEqual({ level: 'info', timestamp: '2026-11-24T10:00:00.123Z' });
  });

  it('reads session lines with user@database', () => {
    expect(
      parsePostgresLogLine(
        '2026-11-24 10:00:01.5 UTC [77] basalt@postgres ERROR:  relation "nope" does not exist at character 15',
      ),
    ).toEqual({ level: 'error', timestamp: '2026-11-24T10:00:01.500Z' });
    expect(
      parsePostgresLogLine(
        '2026-11-24 10:00:02.000 UTC [78] app@payments FATAL:  password authentication failed for user "app"',
      ).level,
    ).toBe('fatal');
    expect(
      parsePostgresLogLine(
        '2026-11-24 10:00:02.000 UTC [79] [unknown]@[unknown] LOG:  connection received: host=127.0.0.1 port=50000',
      ).level,
    ).toBe('info');
  });

  it.each([
    ['DEBUG1', 'debug'],
    ['DEBUG5', 'debug'],
    ['LOG', 'info'],
    ['INFO', 'info'],
    ['NOTICE', 'info'],
    ['DETAIL', 'info'],
    ['HINT', 'info'],
    ['STATEMENT', 'info'],
    ['CONTEXT', 'info'],
    ['WARNING', 'warning'],
    ['ERROR', 'error'],
    ['FATAL', 'fatal'],
    ['PANIC', 'fatal'],
  ])('maps %s to %s', (severity, level) => {
    expect(
      parsePostgresLogLine(
        `2026-11-24 10:00:00.000 UTC [1] u@d ${severity}:  something`,
      ).level,
    ).toBe(level);
  });

  it('keeps numeric zone offsets and drops ambiguous zone names', () => {
    expect(
      parsePostgresLogLine('2026-11-24 18:00:00.000 +08 [1] LOG:  x'),
    ).toEqual({ level: 'info', timestamp: '2026-11-24T18:00:00.000+08:00' });
    expect(
      parsePostgresLogLine('2026-11-24 18:00:00.000 CST [1] LOG:  x'),
    ).toEqual({ level: 'info' });
  });

  it('treats lines without the prefix as info without a timestamp', () => {
    for (const line of [
      '',
      '\tThe files belonging to this database system will be owned by user "nobody".',
      'LOG:  no prefix at all',
      '2026-11-24 10:00:00.000 UTC [1] LOG without a colon',
      '2026-11-24 10:00:00.000 UTC [1] DEBUG9:  no such level',
      '2026-11-24 10:00:00.000 UTC [1] SHOUT:  no such level',
    ]) {
      expect(parsePostgresLogLine(line)).toEqual({ level: 'info' });
    }
  });
});
