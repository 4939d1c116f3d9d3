import { InputError } from '@backstage/errors';

function checkSegments(what: string, value: string, segments: string[]) {
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new InputError(
        `Invalid backup ${what} '${value}': segments must not be empty, '.' or '..'`,
      );
    }
  }
}

/**
 * Checks that `key` is a relative, slash-separated path without empty, `.` or
 * `..` segments, so that it cannot escape the repository.
 *
 * @throws InputError naming the key.
 */
export function validateBackupKey(key: string): string {
  if (typeof key !== 'string' || key === '') {
    throw new InputError(`Invalid backup key '${key}': must not be empty`);
  }
  if (key.startsWith('/')) {
    throw new InputError(
      `Invalid backup key '${key}': must be a relative path`,
    );
  }
  if (/[\\\0]/.test(key)) {
    throw new InputError(
      `Invalid backup key '${key}': must not contain backslashes or NUL`,
    );
  }
  checkSegments('key', key, key.split('/'));
  return key;
}

/**
 * Checks a listing prefix: `''`, or a key's beginning, which may end with `/`.
 *
 * @throws InputError naming the prefix.
 */
export function validateBackupPrefix(prefix: string): string {
  if (prefix === '') {
    return prefix;
  }
  if (prefix.startsWith('/') || /[\\\0]/.test(prefix)) {
    throw new InputError(
      `Invalid backup prefix '${prefix}': must be a relative path`,
    );
  }
  const segments = prefix.split('/');
  if (prefix.endsWith('/')) {
    segments.pop();
  }
  checkSegments('prefix', prefix, segments);
  return prefix;
}

/** Orders by key in code-unit order, as S3 lists keys. */
export function byKey(a: { key: string }, b: { key: string }): number {
  if (a.key === b.key) return 0;
  return a.key < b.key ? -1 : 1;
}
