// QUOTA (RFC 9208): GETQUOTA, SETQUOTA (GETQUOTAROOT takes a mailbox, see parse-mailbox-commands).
// Quota root names are opaque server-chosen strings, not mailbox names, so they are not decoded.

import { bytesToText, readParenList } from './parse-common.js';
import type { CommandCursor } from './command-cursor.js';
import type { CommandOf } from './command-types.js';

/** RFC 9208 resource limits are 63-bit. */
const MAX_LIMIT = (1n << 63n) - 1n;

export function parseGetQuota(cur: CommandCursor): CommandOf<'GETQUOTA'> {
  cur.sp();
  const root = bytesToText(cur, cur.astring('a quota root'), 'quota root');
  cur.expectEnd();
  return { tag: cur.tag, name: 'GETQUOTA', root };
}

export function parseSetQuota(cur: CommandCursor): CommandOf<'SETQUOTA'> {
  cur.sp();
  const root = bytesToText(cur, cur.astring('a quota root'), 'quota root');
  cur.sp();
  const limits: { resource: string; limit: bigint }[] = [];
  readParenList(cur, () => {
    const resource = cur.keyword('a quota resource');
    cur.sp();
    const limit = cur.modSeq();
    if (limit > MAX_LIMIT) cur.fail('Quota limit out of range');
    limits.push({ resource, limit });
    return resource;
  });
  cur.expectEnd();
  return { tag: cur.tag, name: 'SETQUOTA', root, limits };
}
