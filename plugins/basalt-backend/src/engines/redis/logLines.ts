import { LogLevel } from '@basalt/plugin-basalt-common';
import { ParsedLogLine } from '@basalt/plugin-basalt-node';

// The marks redis-server writes before a message, by its log level.
const LEVELS: Record<string, LogLevel> = {
  '.': 'debug',
  '-': 'debug',
  '*': 'info',
  '#': 'warning',
};

/**
 * A line as redis-server writes it: `pid:role day month year time mark
 * message`, e.g. `1234:M 07 Dec 2026 12:00:00.123 * Ready to accept
 * connections tcp`. Its time has no zone, so none is reported.
 */
const LINE =
  /^\d+:[XCSM] \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} ([.\-*#]) /;

/** Reads the severity of one line of a Redis server log. */
export function parseRedisLogLine(line: string): ParsedLogLine {
  const match = LINE.exec(line);
  return { level: (match && LEVELS[match[1]]) || 'info' };
}

/**
 * Of a failure to start an instance (which ends with the server's log),
 * Redis's own words when it refused its configuration file.
 */
export function configurationRejected(
  startFailure: string,
): string | undefined {
  const marker = startFailure.indexOf('*** FATAL CONFIG FILE ERROR');
  if (marker < 0) return undefined;
  const lines = startFailure
    .slice(marker)
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean);
  // The offending line (`>>> 'maxmemory-policy foo'`) and the reason.
  return lines.slice(2, 4).join(': ');
}
