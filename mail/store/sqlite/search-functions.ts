// SQL functions the compiled searches call (search-query.ts) for what SQL cannot do itself:
// Unicode case-insensitive substring tests on the stored text, header values with RFC 2047
// decoding, and membership in a long list of UID ranges. Registered once on the main
// connection; every function returns 0 or 1, never NULL, so NOT works on its result.

import type { Envelope, HeaderField } from '../../protocol/mime/types.js';
import type { Db } from './database.js';
import { bodyOfSearchText, containsFolded, headerContains, headerJsonMayMatch } from './search-text-match.js';

export const SEARCH_FUNCTIONS = {
  /** (text, needle): the whole search text holds the needle. */
  text: 'mailroom_text_contains',
  /** (text, envelope JSON, needle): the body's part of the search text holds the needle. */
  body: 'mailroom_body_contains',
  /** (headers JSON, field, needle): a header field of that name holds the needle. */
  header: 'mailroom_header_contains',
  /** (uid, ranges JSON): the UID lies in one of the sorted, disjoint [low, high] ranges. */
  uidIn: 'mailroom_uid_in',
} as const;

/** A few parsed range lists, by their JSON: one search calls uidIn once per row with the same list. */
const rangeCache = new Map<string, Float64Array>();

function parsedRanges(json: string): Float64Array {
  let ranges = rangeCache.get(json);
  if (!ranges) {
    ranges = Float64Array.from(JSON.parse(json) as number[]);
    if (rangeCache.size >= 4) rangeCache.clear();
    rangeCache.set(json, ranges);
  }
  return ranges;
}

/** Binary search over [low0, high0, low1, high1, ...]. */
function inRanges(uid: number, r: Float64Array): boolean {
  let lo = 0;
  let hi = r.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (uid < r[2 * mid]!) hi = mid - 1;
    else if (uid > r[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

export function registerSearchFunctions(db: Db): void {
  const options = { deterministic: true, varargs: false };
  db.function(SEARCH_FUNCTIONS.text, options, (text: unknown, needle: unknown) =>
    (typeof text === 'string' && containsFolded(text, String(needle)) ? 1 : 0));
  db.function(SEARCH_FUNCTIONS.body, options, (text: unknown, envelope: unknown, needle: unknown) => {
    if (typeof text !== 'string' || typeof envelope !== 'string') return 0;
    return containsFolded(bodyOfSearchText(text, JSON.parse(envelope) as Envelope), String(needle)) ? 1 : 0;
  });
  db.function(SEARCH_FUNCTIONS.header, options, (headers: unknown, field: unknown, needle: unknown) => {
    if (typeof headers !== 'string' || !headerJsonMayMatch(headers, String(field), String(needle))) return 0;
    return headerContains(JSON.parse(headers) as HeaderField[], String(field), String(needle)) ? 1 : 0;
  });
  db.function(SEARCH_FUNCTIONS.uidIn, options, (uid: unknown, ranges: unknown) =>
    (typeof uid === 'number' && typeof ranges === 'string' && inRanges(uid, parsedRanges(ranges)) ? 1 : 0));
}
