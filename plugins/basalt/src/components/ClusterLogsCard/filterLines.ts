import {
  ClusterLogLine,
  LOG_LEVELS,
  LogLevel,
} from '@basalt/plugin-basalt-common';

/** The lines at `minLevel` or above that contain `search` (any case). */
export function filterLines<T extends ClusterLogLine>(
  lines: T[],
  minLevel: LogLevel,
  search: string,
): T[] {
  const threshold = LOG_LEVELS.indexOf(minLevel);
  const needle = search.trim().toLocaleLowerCase();
  return lines.filter(
    line =>
      LOG_LEVELS.indexOf(line.level) >= threshold &&
      (!needle || line.message.toLocaleLowerCase().includes(needle)),
  );
}
