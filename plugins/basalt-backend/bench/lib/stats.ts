const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

/** The middle value (the upper one of an even count), as the benches report. */
export const median = (xs: number[]): number =>
  sorted(xs)[Math.floor(xs.length / 2)];

/** Nearest-rank percentile: the smallest value with `p`% of values at or below it. */
export const percentile = (xs: number[], p: number): number =>
  sorted(xs)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)];

export const max = (xs: number[]): number => Math.max(...xs);

/** `812 ms`; `timeout` for a trial that never got there; `—` without a figure. */
export const ms = (value: number | undefined, width = 7): string => {
  let text = '—';
  if (value === Infinity) text = 'timeout';
  else if (value !== undefined && Number.isFinite(value)) {
    text = `${value.toFixed(0)} ms`;
  }
  return text.padStart(width);
};
