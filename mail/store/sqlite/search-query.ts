// Compiles a SearchCriterion into one SQL query over a folder's messages, so AND, OR and NOT of
// any keys run in SQLite in one pass, and text keys read the stored text of candidates only.
//
// What each key matches in the embedded store:
//   all                 every message
//   uids                the UIDs and ranges given
//   flag                \Seen on the seen column; other flags on the space-separated flags
//                       column, keywords case-insensitively; \Recent is never set (the session
//                       tracks it); a malformed flag is never set
//   text where text     the message's search text: decoded Subject, From, To and Cc, then the
//                       text of every text/plain and text/html part (HTML without markup),
//                       charset-decoded, first 256 K characters (MAX_SEARCH_TEXT_CHARS)
//   text where body     the same text without the Subject/From/To/Cc lines in front
//   text where subject, from, to, cc, bcc
//                       every header field of that name, value decoded from RFC 2047
//   header              likewise for any field name (case-insensitive); an empty value matches
//                       every message that has the field
//   date internal       INTERNALDATE in [from, to)
//   date sent           the Date header in [from, to); INTERNALDATE when it has none or an
//                       unreadable one (as RFC 5256 does for SORT)
//   size                RFC822.SIZE strictly larger / smaller
//   modseq              MODSEQ at least the value
//   emailId             the message's EMAILID, "M" + its blob id (copies share it)
// Text comparison is search-text-match.ts (case-insensitive substring, white space runs equal);
// an empty value matches every message. TEXT and BODY first narrow the candidates with the FTS5
// index (search-terms.ts says how, and the one case where that is narrower than a substring).
// Header keys have no index (the FTS text holds display forms, not the fields as written): they
// read every message's fields, after a cheap pre-test on their JSON (headerJsonMayMatch).

import { InputError } from '../../../core/errors.js';
import type { SearchCriterion } from '../contracts.js';
import { flagKey, isStorableFlag } from './flag-set.js';
import { SEARCH_FUNCTIONS as F } from './search-functions.js';
import { foldNeedle } from './search-text-match.js';
import type { SearchTermBuilder } from './search-terms.js';

export interface CompiledSearch {
  /** Takes the folder id, then `params`; yields matching UIDs in ascending order. */
  sql: string;
  params: unknown[];
}

/** Up to this many UID ranges are written into the SQL; more go to mailroom_uid_in as JSON. */
const INLINE_RANGES = 32;
/** AND/OR/NOT nested deeper than this is refused (the parser already limits it; this guards the SQL). */
const MAX_DEPTH = 100;

const STORED_TEXT = '(SELECT t.text FROM message_text t WHERE t.rowid = m.blob)';

/**
 * A value of the message's blob row. A correlated subquery rather than a join: it is looked up
 * only for the rows whose test needs it (inside CASE, only for text candidates), not for every
 * message of the folder.
 */
function blobColumn(expression: string): string {
  return `(SELECT ${expression} FROM blobs WHERE id = m.blob)`;
}

/** Sorted, merged [low, high] ranges of positive UIDs. */
function mergedRanges(uids: ReadonlyArray<number | [number, number]>): Array<[number, number]> {
  const ranges = uids
    .map((u): [number, number] => (typeof u === 'number' ? [u, u] : [Math.min(u[0], u[1]), Math.max(u[0], u[1])]))
    .filter(([lo, hi]) => Number.isFinite(lo) && Number.isFinite(hi))
    .sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

class SearchCompiler {
  readonly params: unknown[] = [];

  constructor(private readonly terms: SearchTermBuilder) {}

  compile(c: SearchCriterion, depth = 0): string {
    if (depth > MAX_DEPTH) throw new InputError('search_too_deep', 'search criteria nested too deeply');
    switch (c.kind) {
      case 'all':
        return '1';
      case 'uids':
        return this.uids(c.uids);
      case 'flag':
        return this.flag(c.flag, c.set);
      case 'text':
        if (c.value === '') return '1';
        if (c.where === 'text' || c.where === 'body') return this.fullText(c.where, c.value);
        return this.header(c.where, c.value);
      case 'header':
        return this.header(c.field.toLowerCase(), c.value);
      case 'date': {
        const column = c.which === 'sent' ? `coalesce(${blobColumn('date')}, m.internal_date)` : 'm.internal_date';
        const parts: string[] = [];
        if (c.from) parts.push(`${column} >= ${this.param(c.from.getTime())}`);
        if (c.to) parts.push(`${column} < ${this.param(c.to.getTime())}`);
        return parts.length ? `(${parts.join(' AND ')})` : '1';
      }
      case 'size': {
        const parts: string[] = [];
        if (c.larger !== undefined) parts.push(`m.size > ${this.param(c.larger)}`);
        if (c.smaller !== undefined) parts.push(`m.size < ${this.param(c.smaller)}`);
        return parts.length ? `(${parts.join(' AND ')})` : '1';
      }
      case 'modseq':
        return `m.modseq >= ${this.param(c.atLeast)}`;
      case 'emailId':
        if (!c.id.startsWith('M') || c.id.length < 2) return '0';
        // Not correlated: SQLite runs it once, then compares an integer per row.
        return `m.blob = coalesce((SELECT id FROM blobs WHERE blob_id = ${this.param(c.id.slice(1))}), 0)`;
      case 'not':
        return `NOT (${this.compile(c.criterion, depth + 1)})`;
      case 'or':
        return `(${this.compile(c.left, depth + 1)} OR ${this.compile(c.right, depth + 1)})`;
      case 'and':
        return c.criteria.length === 0 ? '1' : `(${c.criteria.map((x) => this.compile(x, depth + 1)).join(' AND ')})`;
    }
  }

  private param(value: unknown): string {
    this.params.push(value);
    return '?';
  }

  private uids(list: ReadonlyArray<number | [number, number]>): string {
    const ranges = mergedRanges(list);
    if (ranges.length === 0) return '0';
    if (ranges.length > INLINE_RANGES) return `${F.uidIn}(m.uid, ${this.param(JSON.stringify(ranges.flat()))})`;
    return `(${ranges.map(([lo, hi]) => (lo === hi ? `m.uid = ${this.param(lo)}` : `m.uid BETWEEN ${this.param(lo)} AND ${this.param(hi)}`)).join(' OR ')})`;
  }

  private flag(flag: string, set: boolean): string {
    const key = flagKey(flag);
    if (key === '\\seen') return set ? 'm.seen = 1' : 'm.seen = 0';
    if (!isStorableFlag(flag)) return set ? '0' : '1'; // \Recent included: never stored
    return `instr(' ' || lower(m.flags) || ' ', ${this.param(` ${key} `)}) ${set ? '>' : '='} 0`;
  }

  private fullText(where: 'text' | 'body', value: string): string {
    // Parameters bind by position: the candidates' come first, as they do in the SQL.
    const match = this.terms.matchExpression(value);
    const candidates = match === null ? null : `m.blob IN (SELECT rowid FROM message_text WHERE message_text MATCH ${this.param(match)})`;
    const needle = this.param(foldNeedle(value));
    let test: string;
    if (where === 'body') {
      test = `${F.body}(${STORED_TEXT}, ${blobColumn("json_extract(index_json, '$.envelope')")}, ${needle})`;
    } else {
      test = `${F.text}(${STORED_TEXT}, ${needle})`;
    }
    if (candidates === null) return test; // no word to look up: every message is tested
    // CASE fixes the order: the exact test runs only on rows the index offers.
    return `(CASE WHEN ${candidates} THEN ${test} ELSE 0 END)`;
  }

  private header(field: string, value: string): string {
    return `${F.header}(${blobColumn("json_extract(index_json, '$.headers')")}, ${this.param(field)}, ${this.param(foldNeedle(value))})`;
  }
}

export function compileSearch(criterion: SearchCriterion, terms: SearchTermBuilder): CompiledSearch {
  const compiler = new SearchCompiler(terms);
  const where = compiler.compile(criterion);
  return { sql: `SELECT m.uid FROM messages m WHERE m.folder_id = ? AND ${where} ORDER BY m.uid`, params: compiler.params };
}
