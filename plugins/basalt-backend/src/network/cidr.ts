import { isIPv4, isIPv6 } from 'node:net';

/**
 * Whether `value` is a CIDR PostgreSQL's `pg_hba.conf` (and every other
 * engine's access rules) reads the same way: an IPv4 or IPv6 address with
 * a prefix length in range and no host bits set (`10.0.0.1/8` is
 * ambiguous, so it is refused rather than silently widened or narrowed).
 */
export function isCidr(value: string): boolean {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (!match) return false;
  const [, address, prefixText] = match;
  const prefix = Number(prefixText);
  if (isIPv4(address)) {
    return prefix <= 32 && hostBitsClear(ipv4Bits(address), prefix);
  }
  if (isIPv6(address) && !address.includes('.')) {
    return prefix <= 128 && hostBitsClear(ipv6Bits(address), prefix);
  }
  return false;
}

function hostBitsClear(bits: string, prefix: number): boolean {
  return !bits.slice(prefix).includes('1');
}

function ipv4Bits(address: string): string {
  return address
    .split('.')
    .map(part => Number(part).toString(2).padStart(8, '0'))
    .join('');
}

function ipv6Bits(address: string): string {
  const [head, tail] = address.split('::');
  const groups = (part?: string) => (part ? part.split(':') : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all =
    tail === undefined
      ? groups(head)
      : [...groups(head), ...Array(missing).fill('0'), ...groups(tail)];
  return all
    .map(group => parseInt(group, 16).toString(2).padStart(16, '0'))
    .join('');
}
