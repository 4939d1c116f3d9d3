/**
 * Severity of an engine log line, normalised across engines (PostgreSQL's
 * `LOG`, MariaDB's `[Note]` and Redis' `*` all become `info`).
 *
 * @public
 */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'fatal';

/**
 * The levels from least to most severe, for "this level and above" filters.
 *
 * @public
 */
export const LOG_LEVELS: readonly LogLevel[] = [
  'debug',
  'info',
  'warning',
  'error',
  'fatal',
];

/**
 * One line of an instance's engine log, as the logs stream sends it.
 *
 * @public
 */
export interface ClusterLogLine {
  /** The instance that wrote it, e.g. `orders-db-1`. */
  instance: string;
  /** ISO 8601, when the engine's line carries a time. */
  timestamp?: string;
  level: LogLevel;
  /** The whole line as the engine wrote it. */
  message: string;
}
