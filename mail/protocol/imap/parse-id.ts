// ID (RFC 2971): the client's name and version, for logs and workarounds.

import { bytesToText, readParenList } from './parse-common.js';
import type { CommandCursor } from './command-cursor.js';
import type { CommandOf } from './command-types.js';

/** RFC 2971 3.3: at most 30 field-value pairs. */
export const MAX_ID_PAIRS = 30;

export function parseId(cur: CommandCursor): CommandOf<'ID'> {
  cur.sp();
  if (cur.peekKeyword() === 'NIL') {
    cur.keyword();
    cur.expectEnd();
    return { tag: cur.tag, name: 'ID', params: null };
  }
  const params: Array<[string, string | null]> = [];
  // The grammar pairs strings and nstrings in one list; read them pairwise.
  readParenList(cur, () => {
    if (params.length >= MAX_ID_PAIRS) cur.fail(`ID allows at most ${MAX_ID_PAIRS} fields`);
    const field = bytesToText(cur, cur.astring('an ID field'), 'ID field');
    cur.sp();
    const value = cur.nstring('an ID value');
    params.push([field, value === null ? null : bytesToText(cur, value, 'ID value')]);
    return field;
  });
  cur.expectEnd();
  return { tag: cur.tag, name: 'ID', params };
}
