import { walByteOffset } from '../walLocation';

const SEGMENT = /^[0-9A-F]{24}$/;
const HISTORY = /^[0-9A-F]{8}\.history$/;
const SEGMENT_BYTES = 16 * 1024 * 1024;

/**
 * The segment name part (log and segment number, without the timeline) of
 * the WAL position `lsn` such as `0/3000028`, for 16 MiB segments.
 */
export function segmentOf(lsn: string): string {
  const offset = walByteOffset(lsn);
  const high = Number(offset >> 32n);
  const segment = Number((offset & 0xffffffffn) / BigInt(SEGMENT_BYTES));
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
  return `${hex(high)}${hex(segment)}`;
}

/**
 * The archived WAL files a restore from a backup starting at `start`
 * needs: every timeline history file, and every segment from the backup's
 * start on, of every timeline (recovery follows the latest). All of them,
 * also for a target time: recovery stops at the first commit after the
 * target, which may lie in any later segment. Partial segments are left
 * out: recovery asks for whole ones.
 */
export function selectWalFiles(names: string[], start: string): string[] {
  const from = segmentOf(start);
  const history = names.filter(name => HISTORY.test(name));
  const segments = names.filter(
    name => SEGMENT.test(name) && name.slice(8) >= from,
  );
  return [...history.sort(), ...segments.sort()];
}

/**
 * The archived WAL files no backup starting at one of `starts` needs: the
 * segments (and their partial copies) before the earliest backup's start.
 * Timeline history files stay: they are small, and recovery reads them
 * all.
 */
export function unneededWalFiles(names: string[], starts: string[]): string[] {
  if (starts.length === 0) return [];
  const oldest = starts.map(segmentOf).sort()[0];
  return names.filter(
    name => /^[0-9A-F]{24}/.test(name) && name.slice(8, 24) < oldest,
  );
}
