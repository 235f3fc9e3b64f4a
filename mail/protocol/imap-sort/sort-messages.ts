// SORT (RFC 5256) with DISPLAYFROM/DISPLAYTO (RFC 5957): the keys each message is compared by,
// derived once from what the index stored, and the ordering itself.
//
// - ARRIVAL is the internal date; DATE the sent date (the Date field, or the internal date when
//   the field is missing or unparseable), both as instants.
// - FROM, TO, CC compare the addr-mailbox (local part) of the first address, i;ascii-casemap.
// - DISPLAYFROM, DISPLAYTO compare the first address's decoded display name, or its addr-spec
//   when it has none, i;unicode-casemap.
// - SUBJECT compares the base subject (base-subject.ts), i;ascii-casemap.
// - A missing field is the empty string, which sorts first.
// - REVERSE reverses one criterion; messages equal on every criterion keep sequence order.

import type { SortCriterion, SortKey } from '../imap/command-types.js';
import { decodeEncodedWords } from '../mime/encoded-words.js';
import type { EnvelopeAddress } from '../mime/types.js';
import { extractBaseSubject } from './base-subject.js';
import { asciiCasemapKey, compareKeys, unicodeCasemapKey } from './collation.js';

/** What SORT needs to know of one message (from the stored index and row). */
export interface SortSource {
  /** Sequence number: the final tie-breaker. */
  seq: number;
  internalDate: Date;
  /** The parsed Date field; null when missing or unparseable. */
  sentDate: Date | null;
  size: number;
  /** The Subject, decoded. */
  subject: string | null;
  from: readonly EnvelopeAddress[] | null;
  to: readonly EnvelopeAddress[] | null;
  cc: readonly EnvelopeAddress[] | null;
}

/** The comparable keys of one message; strings are already case-mapped. */
export interface SortEntry {
  seq: number;
  ARRIVAL: number;
  DATE: number;
  SIZE: number;
  SUBJECT: string;
  FROM: string;
  TO: string;
  CC: string;
  DISPLAYFROM: string;
  DISPLAYTO: string;
}

/** The first real address (group markers have no host). */
function firstAddress(list: readonly EnvelopeAddress[] | null): EnvelopeAddress | null {
  if (!list) return null;
  for (const a of list) if (a.host !== null && a.mailbox !== null) return a;
  return null;
}

/** addr-mailbox of the first address, or "". */
export function firstMailbox(list: readonly EnvelopeAddress[] | null): string {
  return firstAddress(list)?.mailbox ?? '';
}

/** RFC 5957: the decoded display name of the first address, else its addr-spec, else "". */
export function displayAddress(list: readonly EnvelopeAddress[] | null): string {
  const a = firstAddress(list);
  if (!a) return '';
  const name = a.name === null ? '' : decodeEncodedWords(a.name).replace(/\s+/g, ' ').trim();
  return name !== '' ? name : `${a.mailbox}@${a.host}`;
}

export function sortEntry(source: SortSource): SortEntry {
  return {
    seq: source.seq,
    ARRIVAL: source.internalDate.getTime(),
    DATE: (source.sentDate ?? source.internalDate).getTime(),
    SIZE: source.size,
    SUBJECT: asciiCasemapKey(extractBaseSubject(source.subject).base),
    FROM: asciiCasemapKey(firstMailbox(source.from)),
    TO: asciiCasemapKey(firstMailbox(source.to)),
    CC: asciiCasemapKey(firstMailbox(source.cc)),
    DISPLAYFROM: unicodeCasemapKey(displayAddress(source.from)),
    DISPLAYTO: unicodeCasemapKey(displayAddress(source.to)),
  };
}

function compareBy(key: SortKey, a: SortEntry, b: SortEntry): number {
  const x = a[key];
  const y = b[key];
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return compareKeys(String(x), String(y));
}

/** The entries in SORT order (a new array). */
export function sortEntries(entries: readonly SortEntry[], criteria: readonly SortCriterion[]): SortEntry[] {
  return [...entries].sort((a, b) => {
    for (const c of criteria) {
      const d = compareBy(c.key, a, b);
      if (d !== 0) return c.reverse ? -d : d;
    }
    return a.seq - b.seq;
  });
}
