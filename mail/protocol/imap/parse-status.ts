// STATUS (RFC 9051 6.3.11) and the status-att list that LIST-STATUS (RFC 5819) reuses, with
// SIZE (RFC 8438), HIGHESTMODSEQ (RFC 7162), APPENDLIMIT (RFC 7889) and MAILBOXID (RFC 8474).

import { readMailbox, readParenList } from './parse-common.js';
import type { CommandCursor } from './command-cursor.js';
import type { CommandOf, ParseContext, StatusItem } from './command-types.js';

const STATUS_ITEMS = new Set<string>(['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'RECENT', 'HIGHESTMODSEQ', 'APPENDLIMIT', 'MAILBOXID'] satisfies StatusItem[]);

/** "(" status-att *(SP status-att) ")", duplicates removed. */
export function readStatusItems(cur: CommandCursor): StatusItem[] {
  const items = readParenList(cur, () => {
    const item = cur.keyword('a STATUS item');
    if (!STATUS_ITEMS.has(item)) cur.fail(`Unknown STATUS item ${item}`);
    return item as StatusItem;
  }, false);
  return [...new Set(items)];
}

export function parseStatus(cur: CommandCursor, ctx: ParseContext): CommandOf<'STATUS'> {
  cur.sp();
  const mailbox = readMailbox(cur, ctx);
  cur.sp();
  const items = readStatusItems(cur);
  cur.expectEnd();
  return { tag: cur.tag, name: 'STATUS', mailbox, items };
}
