// Recognises the literal announcement that ends a command line: `{n}` (synchronising),
// `{n+}` (non-synchronising, RFC 7888) and `~{n}` / `~{n+}` (literal8, RFC 3516).
// A quoted string cannot span lines, so a line that ends in `{digits}` (with the quote closed)
// is always announcing a literal; the parser re-checks the syntax when it reaches it.

export interface LiteralAnnouncement {
  /** Octets promised; Infinity when the number is absurd (more than 2^32 - 1). */
  size: number;
  synchronizing: boolean;
  binary: boolean;
  /** Offset in the line where the announcement (including a `~`) begins. */
  start: number;
}

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const PLUS = 0x2b;
const TILDE = 0x7e;
/** More digits than this cannot fit in 32 bits; the reader treats such a size as absurd. */
const MAX_DIGITS = 10;
const MAX_SIZE = 0xffffffff;

export function findLiteralAnnouncement(line: Buffer): LiteralAnnouncement | null {
  let end = line.length - 1;
  if (end < 2 || line[end] !== CLOSE) return null;
  end--;
  let synchronizing = true;
  if (line[end] === PLUS) {
    synchronizing = false;
    end--;
  }
  const digitsEnd = end + 1;
  while (end >= 0 && line[end]! >= 0x30 && line[end]! <= 0x39) end--;
  const digitsStart = end + 1;
  if (digitsStart === digitsEnd || end < 0 || line[end] !== OPEN) return null;
  const binary = end > 0 && line[end - 1] === TILDE;
  const start = binary ? end - 1 : end;
  let size = Infinity;
  if (digitsEnd - digitsStart <= MAX_DIGITS) {
    size = Number(line.toString('latin1', digitsStart, digitsEnd));
    if (size > MAX_SIZE) size = Infinity;
  }
  return { size, synchronizing, binary, start };
}
