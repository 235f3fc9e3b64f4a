// SEARCH results on the wire: `* SEARCH 2 5 7 (MODSEQ 12)` (IMAP4rev1, RFC 3501) or
// `* ESEARCH (TAG "a1") UID MIN 2 MAX 7 COUNT 3 ALL 2,5,7 MODSEQ 12` (RFC 4731, RFC 9051; what
// an IMAP4rev2 client always gets). Also the SEARCHRES (RFC 5182) rule for what SAVE keeps.

import { compressNumbers, quoteString, type SearchReturnOption } from '../../../protocol/imap/index.js';

export interface SearchAnswer {
  tag: string;
  uid: boolean;
  /** Numbers as the client asked for them (UIDs or sequence numbers), ascending for SEARCH. */
  numbers: number[];
  highestModseq: number | null;
}

export function searchLine(answer: SearchAnswer): string {
  let text = '* SEARCH';
  if (answer.numbers.length > 0) text += ' ' + answer.numbers.join(' ');
  if (answer.highestModseq !== null && answer.numbers.length > 0) text += ` (MODSEQ ${answer.highestModseq})`;
  return text + '\r\n';
}

/** `RETURN ()` and IMAP4rev2's plain SEARCH both mean ALL. */
export function effectiveReturnOptions(options: readonly SearchReturnOption[]): SearchReturnOption[] {
  return options.length === 0 ? ['ALL'] : [...options];
}

/**
 * The ESEARCH response, or null when SAVE was the only option (RFC 5182: then nothing is sent).
 * `ordered`: numbers are in SORT order, so ALL lists them as they are instead of compressing.
 */
export function esearchLine(answer: SearchAnswer, options: readonly SearchReturnOption[], ordered = false): string | null {
  const wanted = new Set(effectiveReturnOptions(options));
  if (wanted.size === 1 && wanted.has('SAVE')) return null;
  const n = answer.numbers;
  let text = `* ESEARCH (TAG ${quoteString(answer.tag) ?? '""'})`;
  if (answer.uid) text += ' UID';
  if (n.length > 0) {
    // SEARCH numbers ascend, so these are the extremes; for SORT (RFC 5267) the first and last
    // in sort order.
    if (wanted.has('MIN')) text += ` MIN ${n[0]}`;
    if (wanted.has('MAX')) text += ` MAX ${n[n.length - 1]}`;
  }
  if (wanted.has('COUNT')) text += ` COUNT ${n.length}`;
  if (n.length > 0 && wanted.has('ALL')) text += ` ALL ${ordered ? orderedSet(n) : compressNumbers(n)}`;
  if (answer.highestModseq !== null && n.length > 0) text += ` MODSEQ ${answer.highestModseq}`;
  return text + '\r\n';
}

/** A sequence set in the given order: only ascending runs are joined (`5,3:4,9`). */
function orderedSet(n: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < n.length; ) {
    let j = i;
    while (j + 1 < n.length && n[j + 1] === n[j]! + 1) j++;
    parts.push(i === j ? String(n[i]) : `${n[i]}:${n[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** What SAVE keeps (RFC 5182 2.4): MIN and/or MAX alone keep just those, anything else all. */
export function savedSelection(uids: number[], options: readonly SearchReturnOption[]): number[] {
  const wanted = new Set(options);
  if (uids.length === 0) return [];
  if (!wanted.has('ALL') && !wanted.has('COUNT') && (wanted.has('MIN') || wanted.has('MAX'))) {
    const kept = new Set<number>();
    if (wanted.has('MIN')) kept.add(uids[0]!);
    if (wanted.has('MAX')) kept.add(uids[uids.length - 1]!);
    return [...kept].sort((a, b) => a - b);
  }
  return uids;
}
