// THREAD=ORDEREDSUBJECT (RFC 5256 section 3), "poor man's threading": messages with the same
// base subject form one thread, the earliest (by sent date, then number) its root and every
// other one a child of the root; threads are ordered by their root's sent date.

import { extractBaseSubject } from './base-subject.js';
import { asciiCasemapKey } from './collation.js';
import type { ThreadSource } from './references-thread.js';
import type { ThreadNode } from './thread-tree.js';

export function threadByOrderedSubject(messages: readonly Pick<ThreadSource, 'id' | 'subject' | 'sentDate'>[]): ThreadNode[] {
  const entries = messages.map((m) => ({ id: m.id, date: m.sentDate, key: asciiCasemapKey(extractBaseSubject(m.subject).base) }));
  entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.date - b.date || a.id - b.id);
  const threads: Array<{ date: number; id: number; node: ThreadNode }> = [];
  let current: { key: string; node: ThreadNode } | null = null;
  for (const e of entries) {
    if (current && current.key === e.key) {
      current.node.children.push({ id: e.id, children: [] });
      continue;
    }
    const node: ThreadNode = { id: e.id, children: [] };
    current = { key: e.key, node };
    threads.push({ date: e.date, id: e.id, node });
  }
  threads.sort((a, b) => a.date - b.date || a.id - b.id);
  return threads.map((t) => t.node);
}
