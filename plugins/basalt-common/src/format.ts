/**
 * A byte count for people, in binary units: `12 B`, `340.0 KiB`, `1.2 GiB`.
 * Shared so the API's events, the scaffolder's logs and the UI say sizes
 * the same way.
 *
 * @public
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
