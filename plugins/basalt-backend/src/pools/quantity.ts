/** Binary (Kubernetes-style) size suffixes and their multipliers. */
const UNITS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};
const LARGEST_FIRST = Object.entries(UNITS).reverse();
const QUANTITY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi)?$/;

/**
 * Parses a size or rate in bytes: a whole number of bytes (`1073741824`, as a
 * number or a string) or a number with a binary suffix (`200Gi`, `1.5Ti`,
 * `500Mi`), rounded down to whole bytes.
 *
 * @returns the bytes, or `undefined` when `value` is not such a quantity.
 */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  if (!unit && amount.includes('.')) return undefined;
  const bytes = Math.floor(Number(amount) * (unit ? UNITS[unit] : 1));
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/**
 * Formats bytes with the largest binary suffix that keeps the number ≥ 1:
 * `20Gi`, `1.5Ti`, `512`. Fractions are cut (not rounded) to two decimals, so
 * a free amount never reads as more than it is.
 */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const abs = Math.abs(bytes);
  for (const [unit, size] of LARGEST_FIRST) {
    if (abs >= size) {
      const value = Math.floor((abs / size) * 100) / 100;
      return `${sign}${value}${unit}`;
    }
  }
  return `${sign}${Math.floor(abs)}`;
}

/** Formats a ratio with at least one decimal: `2.0`, `1.25`. */
export function formatRatio(ratio: number): string {
  return Number.isInteger(ratio) ? ratio.toFixed(1) : String(ratio);
}
