/**
 * What PostgreSQL logs when it will not start with the configuration it was
 * given; each pattern matches the line to quote. A retry with the same
 * configuration fails the same way.
 */
const REJECTIONS: RegExp[] = [
  /invalid value for parameter "[^"]+"[^\n]*/,
  /[^\s]+ is outside the valid range for parameter "[^"]+"[^\n]*/,
  /unrecognized configuration parameter "[^"]+"[^\n]*/,
  /configuration file "[^"]+" contains errors[^\n]*/,
  // Too much shared memory asked for (shared_buffers, max_connections…).
  /could not map anonymous shared memory[^\n]*/,
  /could not create shared memory segment[^\n]*/,
];

/**
 * The line of a start failure in which PostgreSQL refused its configuration,
 * or `undefined` when it failed for another reason.
 */
export function configurationRejected(
  startFailure: string,
): string | undefined {
  for (const pattern of REJECTIONS) {
    const match = startFailure.match(pattern);
    if (match) return match[0].trim();
  }
  return undefined;
}
