import { InputError } from '@backstage/errors';

const WAL_LOCATION = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i;

/**
 * A WAL location in PostgreSQL's notation (`pg_lsn`, e.g. `0/3000060`: the
 * high and low 32 bits in hexadecimal) as the byte offset it stands for.
 */
export function walByteOffset(location: string): bigint {
  const match = WAL_LOCATION.exec(location);
  if (!match) {
    throw new InputError(
      `'${location}' is not a PostgreSQL WAL location (two hexadecimal numbers of up to 8 digits, as in 0/3000060)`,
    );
  }
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** Orders two WAL locations: negative when `a` comes before `b`. */
export function compareWalLocations(a: string, b: string): number {
  const difference = walByteOffset(a) - walByteOffset(b);
  if (difference === 0n) return 0;
  return difference < 0n ? -1 : 1;
}
