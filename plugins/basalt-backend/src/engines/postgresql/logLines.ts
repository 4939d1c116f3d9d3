import { LogLevel } from '@basalt/plugin-basalt-common';
import { ParsedLogLine } from '@basalt/plugin-basalt-node';

// PostgreSQL's message severities (elog.c) and what they mean to a reader.
// DETAIL, HINT, STATEMENT, CONTEXT, QUERY and LOCATION continue the message
// before them; they are shown as info rather than guessed from it.
const LEVELS: Record<string, LogLevel> = {
  DEBUG: 'debug',
  LOG: 'info',
  INFO: 'info',
  NOTICE: 'info',
  DETAIL: 'info',
  HINT: 'info',
  STATEMENT: 'info',
  CONTEXT: 'info',
  QUERY: 'info',
  LOCATION: 'info',
  WARNING: 'warning',
  ERROR: 'error',
  FATAL: 'fatal',
  PANIC: 'fatal',
};

/**
 * A line as `log_line_prefix = '%m [%p] %q%u@%d '` writes it (see
 * configuration.ts): time with milliseconds and zone, the pid, `user@db` for
 * session processes only (`%q`), then `SEVERITY:  message`.
 */
const PREFIXED_LINE =
  /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(?: ([A-Za-z]+|[+-]\d{2}(?::?\d{2})?))? \[\d+\] (?:\S*@\S* )?([A-Z]+?)([1-5])?:\s/;

/**
 * Reads the severity and time of one line of a PostgreSQL server log.
 * Lines without the prefix (such as those written before logging is
 * configured) are `info` without a timestamp.
 */
export function parsePostgresLogLine(line: string): ParsedLogLine {
  const match = PREFIXED_LINE.exec(line);
  const level = match && LEVELS[match[4]];
  if (!match || !level || (match[5] && match[4] !== 'DEBUG')) {
    return { level: 'info' };
  }
  const timestamp = isoTimestamp(match[1], match[2], match[3]);
  return timestamp ? { level, timestamp } : { level };
}

/**
 * ISO 8601 from PostgreSQL's `%m`. Basalt sets `log_timezone = 'UTC'`; a
 * numeric offset is kept, while a missing zone or another abbreviation is
 * ambiguous (CST is three different zones) and gives no timestamp at all.
 */
function isoTimestamp(
  date: string,
  time: string,
  zone: string | undefined,
): string | undefined {
  const [clock, fraction = ''] = time.split('.');
  const millis = `.${fraction.padEnd(3, '0').slice(0, 3)}`;
  if (zone === undefined) return undefined;
  if (['UTC', 'GMT', 'Z'].includes(zone)) {
    return `${date}T${clock}${millis}Z`;
  }
  const offset = /^([+-]\d{2}):?(\d{2})?$/.exec(zone);
  if (!offset) return undefined;
  return `${date}T${clock}${millis}${offset[1]}:${offset[2] ?? '00'}`;
}
