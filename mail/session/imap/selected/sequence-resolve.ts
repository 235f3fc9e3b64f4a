// A command's sequence set, resolved against the view: which messages (sequence number and
// UID, ascending) it names.
//
// - Sequence numbers: `*` is the last message. A number outside 1..EXISTS is a client error
//   (BAD) for FETCH, STORE, COPY and MOVE; SEARCH ignores it (`strict` false).
// - UIDs: `*` is the highest UID in the view; UIDs that name no message are ignored (RFC 9051
//   6.4.8), and `n:*` with n above every UID still means the last message (ranges are unordered).
// - `$` is the result SAVEd by an earlier SEARCH (RFC 5182): its UIDs still in the view.

import type { SequenceSet } from '../../../protocol/imap/index.js';
import { imapErrors } from '../errors.js';
import type { SelectedMailbox } from './selected-mailbox.js';

export interface ResolvedMessages {
  seqs: number[];
  uids: number[];
}

function fromMarks(view: SelectedMailbox, marks: Uint8Array): ResolvedMessages {
  const seqs: number[] = [];
  const uids: number[] = [];
  const all = view.allUids;
  for (let i = 0; i < marks.length; i++) {
    if (marks[i] === 1) {
      seqs.push(i + 1);
      uids.push(all[i]!);
    }
  }
  return { seqs, uids };
}

export function resolveSavedSet(view: SelectedMailbox): ResolvedMessages {
  const marks = new Uint8Array(view.count);
  for (const uid of view.savedUids) {
    const seq = view.seqOf(uid);
    if (seq > 0) marks[seq - 1] = 1;
  }
  return fromMarks(view, marks);
}

export function resolveSequenceNumbers(view: SelectedMailbox, set: SequenceSet, strict: boolean): ResolvedMessages {
  if (set.kind === 'saved') return resolveSavedSet(view);
  const count = view.count;
  const marks = new Uint8Array(count);
  for (const r of set.ranges) {
    const a = r.start === '*' ? count : r.start;
    const b = r.end === '*' ? count : r.end;
    let lo = Math.min(a, b);
    let hi = Math.max(a, b);
    if (lo < 1 || hi > count) {
      if (strict) throw imapErrors.badSequence();
      lo = Math.max(lo, 1);
      hi = Math.min(hi, count);
    }
    for (let s = lo; s <= hi; s++) marks[s - 1] = 1;
  }
  return fromMarks(view, marks);
}

export function resolveUids(view: SelectedMailbox, set: SequenceSet): ResolvedMessages {
  if (set.kind === 'saved') return resolveSavedSet(view);
  const max = view.maxUid;
  const marks = new Uint8Array(view.count);
  const all = view.allUids;
  for (const r of set.ranges) {
    const a = r.start === '*' ? max : r.start;
    const b = r.end === '*' ? max : r.end;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    for (let i = view.lowerBound(lo); i < all.length && all[i]! <= hi; i++) marks[i] = 1;
  }
  return fromMarks(view, marks);
}

/** The set of a command, by UID when `uid`, else by sequence number (strict: out of range is BAD). */
export function resolveMessages(view: SelectedMailbox, set: SequenceSet, uid: boolean): ResolvedMessages {
  return uid ? resolveUids(view, set) : resolveSequenceNumbers(view, set, true);
}
