import { execFileSync } from 'node:child_process';

/** The unprivileged user containers run as (engines refuse to run as root). */
export const CONTAINER_USER = 'nobody';

let ids: { uid: number; gid: number } | undefined;

/** The numeric uid and primary gid of {@link CONTAINER_USER}, looked up once. */
export function containerUserIds(): { uid: number; gid: number } {
  ids ??= {
    uid: Number(
      execFileSync('id', ['-u', CONTAINER_USER], { encoding: 'utf8' }),
    ),
    gid: Number(
      execFileSync('id', ['-g', CONTAINER_USER], { encoding: 'utf8' }),
    ),
  };
  return ids;
}
