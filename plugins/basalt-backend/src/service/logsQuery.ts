import { InputError } from '@backstage/errors';
import express from 'express';

/** Most lines a logs request may ask for, per instance. */
export const MAX_TAIL_LINES = 5000;

/** The query of `GET /clusters/:namespace/:name/logs`, with defaults. */
export interface LogsQuery {
  instance?: string;
  tail: number;
  follow: boolean;
}

/**
 * Reads `instance`, `tail` (0 to 5000, default 100) and `follow` (true or
 * false, default true); an invalid one is an InputError naming it and what
 * is allowed.
 */
export function parseLogsQuery(query: express.Request['query']): LogsQuery {
  const single = (key: string): string | undefined => {
    const value = query[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      throw new InputError(`${key}: give it once, as a plain value`);
    }
    return value;
  };
  const tailText = single('tail');
  const tail = tailText === undefined ? 100 : Number(tailText);
  if (
    tailText === '' ||
    !Number.isInteger(tail) ||
    tail < 0 ||
    tail > MAX_TAIL_LINES
  ) {
    throw new InputError(
      `tail: must be a whole number from 0 to ${MAX_TAIL_LINES}, got '${tailText}'`,
    );
  }
  const followText = single('follow') ?? 'true';
  if (followText !== 'true' && followText !== 'false') {
    throw new InputError(`follow: must be true or false, got '${followText}'`);
  }
  const instance = single('instance');
  return {
    ...(instance !== undefined && { instance }),
    tail,
    follow: followText === 'true',
  };
}
