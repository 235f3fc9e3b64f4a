// SEARCH criteria (RFC 9051 6.4.4, RFC 3501 6.4.4) shared by SEARCH, SORT and THREAD, with
// ESEARCH return options (RFC 4731/9051), MODSEQ (RFC 7162), WITHIN (RFC 5032), OBJECTID
// (RFC 8474) and `$` (SEARCHRES, RFC 5182).

import iconv from 'iconv-lite';
import { ImapErrorCode, ImapParseError } from './errors.js';
import { atSequenceSet, readSequenceSet } from './sequence-set.js';
import { readSearchDate } from './imap-date.js';
import { readFlag } from './flags.js';
import { readParenList } from './parse-common.js';
import type { CommandCursor } from './command-cursor.js';
import type { CommandOf, SearchDateKey, SearchFlagKey, SearchKey, SearchReturnOption, SearchTextKey } from './command-types.js';

/** Deeper nesting than this (NOT NOT NOT ..., ((((...)))) is refused rather than recursed into. */
export const MAX_SEARCH_DEPTH = 64;

const FLAG_KEYS = new Set<string>(['ALL', 'ANSWERED', 'DELETED', 'DRAFT', 'FLAGGED', 'SEEN', 'UNANSWERED', 'UNDELETED', 'UNDRAFT', 'UNFLAGGED', 'UNSEEN', 'NEW', 'OLD', 'RECENT'] satisfies SearchFlagKey[]);
const TEXT_KEYS = new Set<string>(['BCC', 'BODY', 'CC', 'FROM', 'SUBJECT', 'TEXT', 'TO'] satisfies SearchTextKey[]);
const DATE_KEYS = new Set<string>(['BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE'] satisfies SearchDateKey[]);
const RETURN_OPTIONS = new Set<string>(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE'] satisfies SearchReturnOption[]);
const KEYS_WITH_ARGUMENTS = new Set<string>([
  ...TEXT_KEYS, ...DATE_KEYS, 'KEYWORD', 'UNKEYWORD', 'HEADER', 'LARGER', 'SMALLER', 'OLDER', 'YOUNGER',
  'UID', 'NOT', 'OR', 'MODSEQ', 'EMAILID', 'THREADID',
]);
/** objectid = 1*255(ALPHA / DIGIT / "_" / "-"). */
const OBJECT_ID = /^[A-Za-z0-9_-]{1,255}$/;

/** The charsets every server must support; others are accepted when iconv-lite knows them. */
export const REQUIRED_CHARSETS = ['US-ASCII', 'UTF-8'];

export type TextDecoderFn = (bytes: Buffer) => string;

/** A decoder for search strings in `charset`, or a NO [BADCHARSET] error. */
export function searchCharsetDecoder(cur: CommandCursor, charset: string): TextDecoderFn {
  const upper = charset.toUpperCase();
  if (upper === 'UTF-8' || upper === 'US-ASCII' || upper === 'UTF8') return (b) => b.toString('utf8');
  if (iconv.encodingExists(charset)) return (b) => iconv.decode(b, charset);
  throw new ImapParseError(ImapErrorCode.badCharset, `Unsupported charset ${charset}`, {
    tag: cur.tag, status: 'NO', responseCode: `BADCHARSET (${REQUIRED_CHARSETS.join(' ')})`,
  });
}

/** search-return-opts: " RETURN (...)" when present (the leading SP already consumed). */
export function readSearchReturnOptions(cur: CommandCursor): SearchReturnOption[] | undefined {
  if (cur.peekKeyword() !== 'RETURN') return undefined;
  cur.keyword();
  cur.sp();
  const options = readParenList(cur, () => {
    const opt = cur.keyword('a RETURN option');
    if (!RETURN_OPTIONS.has(opt)) cur.fail(`Unknown SEARCH RETURN option ${opt}`);
    return opt as SearchReturnOption;
  });
  cur.sp();
  return [...new Set(options)];
}

/** search-key *(SP search-key) up to the end of the command. */
export function readSearchKeys(cur: CommandCursor, decode: TextDecoderFn): SearchKey[] {
  const keys: SearchKey[] = [];
  do keys.push(readSearchKey(cur, decode, 0));
  while (cur.maybeSp());
  cur.expectEnd();
  return keys;
}

function readSearchKey(cur: CommandCursor, decode: TextDecoderFn, depth: number): SearchKey {
  if (depth > MAX_SEARCH_DEPTH) cur.fail('Search criteria nested too deeply');
  if (cur.accept('(')) {
    const criteria: SearchKey[] = [];
    do criteria.push(readSearchKey(cur, decode, depth + 1));
    while (cur.maybeSp());
    cur.expect(')');
    return { key: 'AND', criteria };
  }
  if (atSequenceSet(cur)) return { key: 'SEQUENCE', set: readSequenceSet(cur) };
  const key = cur.keyword('a search key');
  if (FLAG_KEYS.has(key)) return { key: key as SearchFlagKey };
  if (!KEYS_WITH_ARGUMENTS.has(key)) cur.fail(`Unknown search key ${key}`);
  const str = () => decode(cur.astring('a search string'));
  cur.sp();
  if (TEXT_KEYS.has(key)) return { key: key as SearchTextKey, value: str() };
  if (DATE_KEYS.has(key)) return { key: key as SearchDateKey, date: readSearchDate(cur) };
  switch (key) {
    case 'KEYWORD':
    case 'UNKEYWORD':
      return { key, flag: readFlag(cur) };
    case 'HEADER': {
      const field = decode(cur.astring('a header field name'));
      cur.sp();
      return { key, field, value: str() };
    }
    case 'LARGER':
    case 'SMALLER':
      return { key, size: cur.number('a size') };
    case 'OLDER':
    case 'YOUNGER':
      return { key, seconds: cur.nzNumber('a number of seconds') };
    case 'UID':
      return { key, set: readSequenceSet(cur) };
    case 'NOT':
      return { key, criterion: readSearchKey(cur, decode, depth + 1) };
    case 'OR': {
      const left = readSearchKey(cur, decode, depth + 1);
      cur.sp();
      return { key, left, right: readSearchKey(cur, decode, depth + 1) };
    }
    case 'MODSEQ':
      return readModSeqKey(cur);
    case 'EMAILID':
    case 'THREADID': {
      const id = cur.astring('an object id').toString('latin1');
      if (!OBJECT_ID.test(id)) cur.fail('Invalid object id');
      return { key, id };
    }
  }
  return cur.fail(`Unknown search key ${key}`);
}

/** MODSEQ [SP entry-name SP entry-type-req] SP mod-sequence-valzer. */
function readModSeqKey(cur: CommandCursor): SearchKey {
  if (cur.peek() === 0x22) {
    const name = cur.string('an entry name').toString('utf8');
    if (!name.toLowerCase().startsWith('/flags/')) cur.fail('MODSEQ entry name must be "/flags/<flag>"');
    cur.sp();
    const type = cur.keyword('an entry type').toLowerCase();
    if (type !== 'priv' && type !== 'shared' && type !== 'all') cur.fail('MODSEQ entry type must be priv, shared or all');
    cur.sp();
    return { key: 'MODSEQ', modSeq: cur.modSeq(), entry: { name, type } };
  }
  return { key: 'MODSEQ', modSeq: cur.modSeq() };
}

/** ["UID" SP] "SEARCH" [search-return-opts] SP ["CHARSET" SP charset SP] search-key *(SP search-key). */
export function parseSearch(cur: CommandCursor, uid: boolean): CommandOf<'SEARCH'> {
  cur.sp();
  const returnOptions = readSearchReturnOptions(cur);
  let charset: string | undefined;
  let decode: TextDecoderFn = (b) => b.toString('utf8');
  if (cur.peekKeyword() === 'CHARSET') {
    cur.keyword();
    cur.sp();
    charset = cur.astring('a charset').toString('latin1');
    decode = searchCharsetDecoder(cur, charset);
    cur.sp();
  }
  const criteria = readSearchKeys(cur, decode);
  return {
    tag: cur.tag, name: 'SEARCH', uid,
    ...(charset !== undefined ? { charset } : {}),
    criteria,
    ...(returnOptions ? { returnOptions } : {}),
  };
}
