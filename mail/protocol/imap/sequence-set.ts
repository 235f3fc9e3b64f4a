// sequence-set (RFC 9051 section 9): `1,3:5,7:*`, and `$` for the result SAVEd by a previous
// SEARCH (RFC 5182). `*` stays symbolic because its value ("the largest number in use") is only
// known to the session at the moment it runs the command.

import type { CommandCursor } from './command-cursor.js';

/** A message sequence number or UID, or `*`. */
export type SeqNumber = number | '*';

/** `a:b` in the order the client wrote it (`5:2` means 2:5); a single number has start === end. */
export interface SeqRange {
  start: SeqNumber;
  end: SeqNumber;
}

export type SequenceSet =
  | { kind: 'ranges'; ranges: SeqRange[] }
  /** `$`: the saved search result. */
  | { kind: 'saved' };

const COLON = 0x3a;
const COMMA = 0x2c;
const STAR = 0x2a;
const DOLLAR = 0x24;

export function readSequenceSet(cur: CommandCursor): SequenceSet {
  if (cur.accept('$')) return { kind: 'saved' };
  const ranges: SeqRange[] = [];
  do {
    const start = readSeqNumber(cur);
    let end = start;
    if (cur.peek() === COLON) {
      cur.expect(':');
      end = readSeqNumber(cur);
    }
    ranges.push({ start, end });
  } while (cur.peek() === COMMA && cur.accept(','));
  return { kind: 'ranges', ranges };
}

/** True when the next token looks like a sequence set (for SEARCH, where one may stand as a key). */
export function atSequenceSet(cur: CommandCursor): boolean {
  const b = cur.peek();
  return b === STAR || b === DOLLAR || (b >= 0x31 && b <= 0x39);
}

function readSeqNumber(cur: CommandCursor): SeqNumber {
  if (cur.accept('*')) return '*';
  return cur.nzNumber('a sequence number');
}

/** `max` is the value of `*` (the highest sequence number or UID in the mailbox; 0 when empty). */
export function sequenceSetIncludes(set: SeqRange[], n: number, max: number): boolean {
  for (const r of set) {
    const a = r.start === '*' ? max : r.start;
    const b = r.end === '*' ? max : r.end;
    if (n >= Math.min(a, b) && n <= Math.max(a, b)) return true;
  }
  return false;
}

/** Canonical text: `1:3,5`. Used in responses (COPYUID, VANISHED, ESEARCH ALL). */
export function formatSequenceSet(set: SequenceSet): string {
  if (set.kind === 'saved') return '$';
  return set.ranges.map((r) => (r.start === r.end ? String(r.start) : `${r.start}:${r.end}`)).join(',');
}

/** Compresses sorted or unsorted numbers into the shortest sequence-set text (`1:3,7`). */
export function compressNumbers(numbers: Iterable<number>): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
