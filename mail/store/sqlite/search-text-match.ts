// The exact test behind SEARCH's text keys, run on candidate rows (search-functions.ts exposes
// these to SQL). RFC 9051 asks for case-insensitive substring matching; here that is:
//   - both sides lower-cased (Unicode toLowerCase; diacritics stay significant: "cafe" does not
//     match "café"),
//   - every run of white space counts as one space, on both sides, since the stored search text
//     has its blanks squeezed and header values may have been folded.
// Header values are matched after RFC 2047 encoded-words are decoded.

import { displayAddresses, displayText } from '../../protocol/mime/envelope.js';
import { decodeEncodedWords } from '../../protocol/mime/encoded-words.js';
import type { Envelope, HeaderField } from '../../protocol/mime/types.js';

/** The needle as the matchers compare it; computed once per search, not per row. */
export function foldNeedle(value: string): string {
  return value.toLowerCase().replace(/\s+/g, ' ');
}

/** Whether `haystack` holds the folded needle, case-insensitively. */
export function containsFolded(haystack: string, needle: string): boolean {
  const lower = haystack.toLowerCase();
  // A needle without white space matches the same whether or not the haystack's runs of white
  // space are squeezed, so the regex pass over up to 256 KB is only paid when it matters.
  return (needle.includes(' ') ? lower.replace(/\s+/g, ' ') : lower).includes(needle);
}

/**
 * The body's part of a message's stored search text. The MIME indexer writes the top-level
 * Subject, From, To and Cc (decoded, one per line, those present) before the text parts
 * (mail/protocol/mime/message-indexer.ts); that prefix is rebuilt from the envelope the same way
 * and cut off. When the text does not start with it (the indexer changed, or the cap cut into
 * it) the whole text is the body: a BODY search may then also find header words, never miss.
 */
export function bodyOfSearchText(text: string, envelope: Envelope): string {
  const lines = [displayText(envelope.subject), displayAddresses(envelope.from), displayAddresses(envelope.to), displayAddresses(envelope.cc)];
  const prefix = squeezeLikeSearchText(lines.filter((s) => s).join('\n'));
  if (prefix === '') return text;
  if (!text.startsWith(prefix)) return text;
  const rest = text.slice(prefix.length);
  if (rest === '') return '';
  return rest.startsWith('\n') ? rest.slice(1) : text;
}

/** What SearchTextCollector.text() does to the text it stores (mail/protocol/mime/search-text.ts). */
function squeezeLikeSearchText(text: string): string {
  return text.replace(/[ \t\f\v\r\u00a0]+/g, ' ').replace(/ ?\n[ \n]*/g, '\n').trim();
}

/**
 * Whether a header field named `field` (lower case) has a value holding the folded needle;
 * with an empty needle, whether the message has such a field at all (RFC 9051 HEADER).
 */
export function headerContains(headers: readonly HeaderField[], field: string, needle: string): boolean {
  for (const h of headers) {
    if (h.name.toLowerCase() !== field) continue;
    if (needle === '' || containsFolded(decodeEncodedWords(h.value), needle)) return true;
  }
  return false;
}

/** Printable ASCII that JSON writes as itself (no quote, backslash or space). */
function isPlainJsonText(text: string): boolean {
  return /^[\x21-\x7e]+$/.test(text) && !/["\\]/.test(text);
}

/**
 * A cheap look at the header fields' JSON text (as MessageIndex.headers is stored) before it is
 * parsed: false only when no field can match. The field's name and each ASCII piece of the
 * needle must appear in the ASCII-lower-cased text. Text with an encoded-word or any non-ASCII
 * character always passes: decoding, or Unicode lower-casing (KELVIN SIGN becomes "k"), could
 * make the needle appear there. Most messages of a folder fail this test for a given value, and
 * parsing their JSON was most of a header search's time.
 */
export function headerJsonMayMatch(json: string, field: string, needle: string): boolean {
  if (json.includes('=?') || /[^\x20-\x7e]/.test(json)) return true;
  const lower = json.toLowerCase();
  if (isPlainJsonText(field) && !lower.includes(`"name":${JSON.stringify(field)}`)) return false;
  for (const piece of needle.split(' ')) {
    if (piece !== '' && isPlainJsonText(piece) && !lower.includes(piece)) return false;
  }
  return true;
}
