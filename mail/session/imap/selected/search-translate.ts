// SEARCH keys (RFC 9051 6.4.4 and extensions) in the store's terms: sequence numbers become
// UIDs, dates become instants, flag keys become flag tests.
//
// Decisions:
// - Days are UTC days. BEFORE/ON/SINCE compare the internal date with the UTC day; SENT* the
//   Date field's instant with the UTC day (RFC 9051 asks for the date in the sender's zone;
//   the index keeps the instant only, so a message sent late in the evening west of Greenwich
//   may fall on the next day). INTERNALDATE is written in UTC too, so what a client sees and
//   what it searches agree.
// - \Recent does not exist here (as in IMAP4rev2): RECENT and NEW match nothing, OLD everything.
// - THREADID matches nothing (FETCH THREADID is NIL); EMAILID is `M` + the body's id.
// - OLDER/YOUNGER (RFC 5032) are relative to the session clock (deps.now).

import type { SearchKey, SequenceSet } from '../../../protocol/imap/index.js';
import type { SearchCriterion } from '../../../store/contracts.js';
import type { SelectedMailbox } from './selected-mailbox.js';
import { resolveSavedSet } from './sequence-resolve.js';

const NOTHING: SearchCriterion = { kind: 'not', criterion: { kind: 'all' } };
const ALL: SearchCriterion = { kind: 'all' };
const DAY_MS = 86_400_000;

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};

const TEXT_WHERE = {
  BCC: 'bcc', BODY: 'body', CC: 'cc', FROM: 'from', SUBJECT: 'subject', TEXT: 'text', TO: 'to',
} as const;

export interface TranslatedSearch {
  criterion: SearchCriterion;
  /** A MODSEQ key was used: the response carries the highest MODSEQ (RFC 7162 3.1.5). */
  usesModseq: boolean;
}

interface Translation {
  view: SelectedMailbox;
  now: Date;
  usesModseq: boolean;
}

function uidRanges(ranges: Array<[number, number]>): SearchCriterion {
  return ranges.length === 0 ? NOTHING : { kind: 'uids', uids: ranges.map(([a, b]) => (a === b ? a : [a, b] as [number, number])) };
}

/** Sequence numbers to UID ranges: seq a..b is UIDs uid(a)..uid(b) (nothing else lies between). */
function sequenceCriterion(view: SelectedMailbox, set: SequenceSet): SearchCriterion {
  if (set.kind === 'saved') return uidRanges(resolveSavedSet(view).uids.map((u) => [u, u]));
  const count = view.count;
  const ranges: Array<[number, number]> = [];
  for (const r of set.ranges) {
    const a = r.start === '*' ? count : r.start;
    const b = r.end === '*' ? count : r.end;
    const lo = Math.max(Math.min(a, b), 1);
    const hi = Math.min(Math.max(a, b), count);
    if (lo > hi) continue;
    ranges.push([view.uidAt(lo)!, view.uidAt(hi)!]);
  }
  return uidRanges(ranges);
}

function uidCriterion(view: SelectedMailbox, set: SequenceSet): SearchCriterion {
  if (set.kind === 'saved') return uidRanges(resolveSavedSet(view).uids.map((u) => [u, u]));
  const max = view.maxUid;
  return uidRanges(set.ranges.map((r) => {
    const a = r.start === '*' ? max : r.start;
    const b = r.end === '*' ? max : r.end;
    return [Math.min(a, b), Math.max(a, b)];
  }));
}

function dayStart(date: { year: number; month: number; day: number }): Date {
  return new Date(Date.UTC(date.year, date.month - 1, date.day));
}

function translate(key: SearchKey, t: Translation): SearchCriterion {
  switch (key.key) {
    case 'ALL':
    case 'OLD':
      return ALL;
    case 'NEW':
    case 'RECENT':
      return NOTHING;
    case 'ANSWERED': case 'DELETED': case 'DRAFT': case 'FLAGGED': case 'SEEN':
    case 'UNANSWERED': case 'UNDELETED': case 'UNDRAFT': case 'UNFLAGGED': case 'UNSEEN': {
      const [flag, set] = FLAG_KEYS[key.key]!;
      return { kind: 'flag', flag, set };
    }
    case 'KEYWORD':
      return { kind: 'flag', flag: key.flag, set: true };
    case 'UNKEYWORD':
      return { kind: 'flag', flag: key.flag, set: false };
    case 'BCC': case 'BODY': case 'CC': case 'FROM': case 'SUBJECT': case 'TEXT': case 'TO':
      return { kind: 'text', where: TEXT_WHERE[key.key], value: key.value };
    case 'HEADER':
      return { kind: 'header', field: key.field, value: key.value };
    case 'BEFORE': case 'SENTBEFORE':
      return { kind: 'date', which: key.key === 'BEFORE' ? 'internal' : 'sent', to: dayStart(key.date) };
    case 'ON': case 'SENTON': {
      const from = dayStart(key.date);
      return { kind: 'date', which: key.key === 'ON' ? 'internal' : 'sent', from, to: new Date(from.getTime() + DAY_MS) };
    }
    case 'SINCE': case 'SENTSINCE':
      return { kind: 'date', which: key.key === 'SINCE' ? 'internal' : 'sent', from: dayStart(key.date) };
    case 'LARGER':
      return { kind: 'size', larger: key.size };
    case 'SMALLER':
      return { kind: 'size', smaller: key.size };
    case 'OLDER':
      // Internal date at least `seconds` ago: [.., now - seconds].
      return { kind: 'date', which: 'internal', to: new Date(t.now.getTime() - key.seconds * 1000 + 1) };
    case 'YOUNGER':
      return { kind: 'date', which: 'internal', from: new Date(t.now.getTime() - key.seconds * 1000) };
    case 'UID':
      return uidCriterion(t.view, key.set);
    case 'SEQUENCE':
      return sequenceCriterion(t.view, key.set);
    case 'NOT':
      return { kind: 'not', criterion: translate(key.criterion, t) };
    case 'OR':
      return { kind: 'or', left: translate(key.left, t), right: translate(key.right, t) };
    case 'AND':
      return and(key.criteria.map((k) => translate(k, t)));
    case 'MODSEQ':
      t.usesModseq = true;
      // The per-flag entry form narrows to one flag's changes; the store keeps one MODSEQ per
      // message, which is the "all" reading and a superset of the others (allowed: RFC 7162 3.1.5).
      return { kind: 'modseq', atLeast: Number(key.modSeq) };
    case 'EMAILID':
      // The store matches the whole EMAILID (`M` + body id, object-ids.ts).
      return { kind: 'emailId', id: key.id };
    case 'THREADID':
      return NOTHING;
  }
}

function and(criteria: SearchCriterion[]): SearchCriterion {
  return criteria.length === 1 ? criteria[0]! : { kind: 'and', criteria };
}

export function translateSearch(keys: readonly SearchKey[], view: SelectedMailbox, now: Date): TranslatedSearch {
  const t: Translation = { view, now, usesModseq: false };
  const criterion = and(keys.map((k) => translate(k, t)));
  return { criterion, usesModseq: t.usesModseq };
}
