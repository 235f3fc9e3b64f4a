// What a FETCH asks for, worked out once before any message is read: the items in response
// order (UID first for UID FETCH, MODSEQ added for CHANGEDSINCE, duplicates dropped), whether
// full rows are needed or the cheap flags rows do, and whether the fetch sets \Seen.

import { fetchItemResponseName, type FetchItem } from '../../../protocol/imap/index.js';

export interface FetchPlan {
  items: FetchItem[];
  /** Anything beyond UID, FLAGS and MODSEQ (and the constant NIL items) needs the stored row. */
  needsRow: boolean;
  /** A non-PEEK body item: fetching sets \Seen (RFC 9051 6.4.5). */
  marksSeen: boolean;
  has: { uid: boolean; flags: boolean; modseq: boolean };
}

/** Items answered without the message row. */
const ROWLESS = new Set(['UID', 'FLAGS', 'MODSEQ', 'THREADID', 'SAVEDATE', 'PREVIEW']);

function marksSeen(item: FetchItem): boolean {
  if (item.kind === 'body' || item.kind === 'binary') return !item.peek;
  return item.kind === 'attribute' && (item.name === 'RFC822' || item.name === 'RFC822.TEXT');
}

export function planFetch(requested: readonly FetchItem[], options: { uid: boolean; changedSince: boolean }): FetchPlan {
  const items: FetchItem[] = [];
  const seen = new Set<string>();
  const add = (item: FetchItem) => {
    // BODY[1] and BODY.PEEK[1] answer under the same name; keep the first, but let a non-PEEK
    // one still set \Seen (handled by marksSeen over the requested list).
    const name = fetchItemResponseName(item);
    if (seen.has(name)) return;
    seen.add(name);
    items.push(item);
  };
  if (options.uid) add({ kind: 'attribute', name: 'UID' });
  for (const item of requested) add(item);
  // RFC 7162 3.1.4.1: CHANGEDSINCE implies MODSEQ in every response.
  if (options.changedSince) add({ kind: 'attribute', name: 'MODSEQ' });
  return {
    items,
    needsRow: items.some((i) => i.kind !== 'attribute' || !ROWLESS.has(i.name)),
    marksSeen: requested.some(marksSeen),
    has: { uid: seen.has('UID'), flags: seen.has('FLAGS'), modseq: seen.has('MODSEQ') },
  };
}
