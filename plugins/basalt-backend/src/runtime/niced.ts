/** The `nice` of coreutils, which every Debian-like host has. */
const NICE = '/usr/bin/nice';

/**
 * Niceness of long work beside serving clients (a clone, a restore, a
 * backup): 10, so that engines serving clients and the controller's
 * failovers get the CPU first when the machine is busy, while the work
 * still runs whenever there is CPU to spare.
 */
export const BACKGROUND_NICENESS = 10;

/**
 * The program and arguments that run `file`: through `nice` for
 * `background` work, so that the processes it forks at once (e.g.
 * pg_basebackup's WAL streamer) are lowered too; as they are otherwise.
 */
export function niced(
  file: string,
  args: string[],
  background = true,
): [string, string[]] {
  return background
    ? [NICE, ['-n', String(BACKGROUND_NICENESS), file, ...args]]
    : [file, args];
}
