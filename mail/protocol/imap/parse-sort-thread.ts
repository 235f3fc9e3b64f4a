// SORT and THREAD (RFC 5256), with ESORT's RETURN options (RFC 5267). Unlike SEARCH, both
// require the charset argument.

import { readParenList } from './parse-common.js';
import { readSearchKeys, readSearchReturnOptions, searchCharsetDecoder } from './parse-search.js';
import type { CommandCursor } from './command-cursor.js';
import type { CommandOf, SortCriterion, SortKey } from './command-types.js';

const SORT_KEYS = new Set<string>(['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO', 'DISPLAYFROM', 'DISPLAYTO'] satisfies SortKey[]);

/** ["UID" SP] "SORT" [SP "RETURN" ...] SP sort-criteria SP charset 1*(SP search-key). */
export function parseSort(cur: CommandCursor, uid: boolean): CommandOf<'SORT'> {
  cur.sp();
  const returnOptions = readSearchReturnOptions(cur);
  const sortCriteria = readParenList(cur, () => readSortCriterion(cur), false);
  cur.sp();
  const charset = cur.astring('a charset').toString('latin1');
  const decode = searchCharsetDecoder(cur, charset);
  cur.sp();
  const criteria = readSearchKeys(cur, decode);
  return { tag: cur.tag, name: 'SORT', uid, sortCriteria, charset, criteria, ...(returnOptions ? { returnOptions } : {}) };
}

function readSortCriterion(cur: CommandCursor): SortCriterion {
  let key = cur.keyword('a sort key');
  let reverse = false;
  if (key === 'REVERSE') {
    reverse = true;
    cur.sp();
    key = cur.keyword('a sort key');
  }
  if (!SORT_KEYS.has(key)) cur.fail(`Unknown sort key ${key}`);
  return { key: key as SortKey, reverse };
}

/** ["UID" SP] "THREAD" SP thread-alg SP charset 1*(SP search-key). */
export function parseThread(cur: CommandCursor, uid: boolean): CommandOf<'THREAD'> {
  cur.sp();
  // The algorithm is any atom; the session answers NO for ones it does not implement.
  const algorithm = cur.keyword('a threading algorithm');
  cur.sp();
  const charset = cur.astring('a charset').toString('latin1');
  const decode = searchCharsetDecoder(cur, charset);
  cur.sp();
  const criteria = readSearchKeys(cur, decode);
  return { tag: cur.tag, name: 'THREAD', uid, algorithm, charset, criteria };
}
