import { z as zod } from 'zod/v3';

/**
 * The `timeoutSeconds` input of an action that waits: a positive whole
 * number of seconds, optional, described with its default and `detail`
 * (e.g. what happens after a timeout).
 */
export function timeoutSecondsInput(
  defaultSeconds: number,
  what = 'How long to wait',
  detail = '',
) {
  return (z: typeof zod) =>
    z
      .number({
        description: `${what}, in seconds (default ${defaultSeconds})${detail}`,
      })
      .int()
      .positive()
      .optional();
}
