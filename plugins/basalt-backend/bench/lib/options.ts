/**
 * Command-line options of the benchmark scripts: `--name value`. Bad
 * values stop the script with an error that names the option and what it
 * takes.
 */

/** The value given for `--name`, if any. */
export function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** A whole number of at least `min` (1 unless given) for `--name`. */
export function count(name: string, fallback: number, min = 1): number {
  const value = option(name) ?? String(fallback);
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new Error(`--${name}: a whole number ≥ ${min}, not '${value}'`);
  }
  return Number(value);
}

/** One of `allowed` for `--name`. */
export function choice<T extends string>(
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = option(name) ?? fallback;
  if (!allowed.includes(value as T)) {
    throw new Error(`--${name}: ${allowed.join(' or ')}, not '${value}'`);
  }
  return value as T;
}
