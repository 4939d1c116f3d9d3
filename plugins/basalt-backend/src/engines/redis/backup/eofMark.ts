import { Transform, TransformCallback } from 'node:stream';

/** The length of the random mark a diskless transfer ends with. */
const MARK_LENGTH = 40;
/** The last opcode of an RDB file, which its 8-byte checksum follows. */
const RDB_EOF = 0xff;

/**
 * Passes an RDB snapshot through, dropping the 40-character mark a
 * primary's diskless transfer (`repl-diskless-sync`) ends with: written to
 * a file, `redis-cli --rdb` cuts it off, but on standard output it cannot.
 * A snapshot without the mark passes unchanged: its last 40 bytes hold the
 * RDB end opcode, which is not a mark character.
 */
export function withoutEofMark(): Transform {
  let held = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const all = Buffer.concat([held, chunk]);
      // Keeps the last mark's length plus the end opcode and checksum back.
      const keep = MARK_LENGTH + 9;
      held = all.subarray(Math.max(0, all.length - keep));
      callback(null, all.subarray(0, Math.max(0, all.length - keep)));
    },
    flush(callback: TransformCallback) {
      const tail = held.subarray(held.length - MARK_LENGTH);
      const marked =
        held.length === MARK_LENGTH + 9 &&
        /^[0-9a-f]+$/.test(tail.toString('latin1')) &&
        held[0] === RDB_EOF;
      callback(null, marked ? held.subarray(0, 9) : held);
    },
  });
}
